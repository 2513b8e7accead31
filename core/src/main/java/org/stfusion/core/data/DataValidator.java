package org.stfusion.core.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;

/**
 * Decodes every item of a dataset once (as a training clip, and every evaluation view of validation items)
 * and reports what a run would meet: items per class, the entries rejected when the dataset opened, the items
 * whose media cannot be read, and the decode speed.
 */
public final class DataValidator {
    private final Dataset dataset;
    private final int workers;

    public DataValidator(Dataset dataset, int workers) {
        this.dataset = dataset;
        this.workers = workers;
    }

    /** One split's findings; {@code perClass} counts the readable items by class name. */
    public record SplitReport(String split, int entries, int readable, Map<String, Integer> perClass,
                              List<BadItem> rejected, List<BadItem> unreadable) {
        public int bad() {
            return rejected.size() + unreadable.size();
        }
    }

    /** Everything found; {@code clipsPerSecond} counts decoded clips (views included) over wall time. */
    public record Report(String manifestHash, List<String> classes, List<SplitReport> splits, long clipsDecoded,
                         double seconds, double clipsPerSecond, int workers) {
        public boolean allGood() {
            return splits.stream().allMatch(s -> s.bad() == 0);
        }
    }

    /** Total items to decode, for progress display. */
    public int items() {
        int n = 0;
        for (Split split : Split.values()) {
            n += dataset.size(split);
        }
        return n;
    }

    /** Decodes everything; {@code progress} receives the count of finished items as they complete. */
    public Report validate(IntConsumer progress) {
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger clips = new AtomicInteger();
        List<SplitReport> reports = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "stfusion-validate");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Split split : Split.values()) {
                int n = dataset.size(split);
                int views = split == Split.TRAIN ? 1 : dataset.views(split);
                List<Future<Object>> results = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int index = i;
                    results.add(pool.submit(() -> {
                        try {
                            Object outcome = decode(split, index, views);
                            if (!(outcome instanceof BadItem)) {
                                clips.addAndGet(views);
                            }
                            return outcome;
                        } finally {
                            progress.accept(done.incrementAndGet());
                        }
                    }));
                }
                Map<String, Integer> perClass = new LinkedHashMap<>();
                dataset.classNames().forEach(c -> perClass.put(c, 0));
                List<BadItem> unreadable = new ArrayList<>();
                for (Future<Object> f : results) {
                    Object outcome = join(f);
                    if (outcome instanceof BadItem bad) {
                        unreadable.add(bad);
                    } else {
                        perClass.merge(dataset.classNames().get((Integer) outcome), 1, Integer::sum);
                    }
                }
                List<BadItem> rejected = dataset.rejected(split);
                reports.add(new SplitReport(split.label(), n + rejected.size(), n - unreadable.size(), perClass,
                        rejected, unreadable));
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Report(dataset.manifestHash(), dataset.classNames(), reports, clips.get(), seconds,
                clips.get() / Math.max(seconds, 1e-9), workers);
    }

    /** The item's label, or the {@link BadItem} saying why it cannot be read. */
    private Object decode(Split split, int index, int views) {
        try {
            Clip clip = split == Split.TRAIN ? dataset.clip(split, index, index) : dataset.view(split, index, 0);
            for (int v = 1; v < views; v++) {
                dataset.view(split, index, v);
            }
            return clip.label();
        } catch (BadItemException e) {
            return e.item();
        }
    }

    private static Object join(Future<Object> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while validating data", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
