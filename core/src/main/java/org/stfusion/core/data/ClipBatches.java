package org.stfusion.core.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.data.BadItemLedger;

/**
 * Turns dataset items into NCDHW batches with one-hot labels. Items are decoded on {@code workers} threads,
 * up to {@code prefetch} batches ahead of the one being trained (a bounded queue: memory stays at a few
 * batches). An item whose media cannot be read is skipped and recorded in the {@link BadItemLedger}, which
 * stops the run once a split has too many; the batch is simply one clip shorter. Turning every failure of one
 * item into a {@link BadItemException}, a decode that outlasts its time limit included, is the dataset's part (the
 * file datasets do, with their {@code decodeTimeoutSeconds}), so a worker always comes back and the batches
 * waited on here always complete; anything else a worker throws is not about one item and ends the pass.
 */
public final class ClipBatches implements AutoCloseable {
    private final Dataset dataset;
    private final DataType dataType;
    private final int prefetch;
    private final BadItemLedger ledger;
    private final ExecutorService workers;

    /** One worker, one batch ahead; bad items are skipped and counted without limit. */
    public ClipBatches(Dataset dataset, DataType dataType) {
        this(dataset, dataType, 1, 1, new BadItemLedger(dataset, 1.0, null));
    }

    public ClipBatches(Dataset dataset, DataType dataType, int workers, int prefetch, BadItemLedger ledger) {
        if (workers < 1 || prefetch < 1) {
            throw new IllegalArgumentException("workers and prefetch must be at least 1");
        }
        this.dataset = dataset;
        this.dataType = dataType;
        this.prefetch = prefetch;
        this.ledger = ledger;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "stfusion-decoder-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public BadItemLedger ledger() {
        return ledger;
    }

    /**
     * One batch: clips, one-hot labels and the 0-based labels. With {@code views > 1} (multi-view evaluation)
     * the clips hold {@code views} consecutive rows per item: {@code clips.size(0) == labels.length * views}.
     */
    public record Batch(INDArray clips, INDArray oneHot, int[] labels, int views, String[] ids) {
        public Batch(INDArray clips, INDArray oneHot, int[] labels, int views) {
            this(clips, oneHot, labels, views, null);
        }

        public Batch(INDArray clips, INDArray oneHot, int[] labels) {
            this(clips, oneHot, labels, 1);
        }

        /** Items in the batch (not clips). */
        public int size() {
            return labels.length;
        }

        /** The first {@code n} items of this batch. */
        public Batch first(int n) {
            var clipRows = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, (long) n * views);
            var rows = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n);
            return new Batch(clips.get(clipRows).dup(), oneHot.get(rows).dup(), Arrays.copyOf(labels, n), views,
                    ids == null ? null : Arrays.copyOf(ids, n));
        }
    }

    /** Batches over {@code order} (item indices), {@code batchSize} at a time; a short last batch is kept. */
    public Stream iterate(Split split, int[] order, int batchSize, long augmentSeed) {
        return new Stream(split, order, batchSize, 1, false, augmentSeed);
    }

    /**
     * Evaluation batches with every view the dataset defines for {@code split} ({@link Dataset#views});
     * {@code clipsPerBatch} bounds the clips, so a batch holds {@code max(1, clipsPerBatch / views)} items.
     */
    public Stream iterateViews(Split split, int[] order, int clipsPerBatch) {
        int views = dataset.views(split);
        return new Stream(split, order, Math.max(1, clipsPerBatch / views), views, true, 0);
    }

    /** The batches of one pass, with the time the consumer spent waiting for them. */
    public final class Stream implements Iterator<Batch> {
        private final Split split;
        private final int[] order;
        private final int batchSize;
        private final int views;
        private final boolean evaluationViews;
        private final long augmentSeed;
        private final int batches;
        /** The split's clip shape: validation clips may have another height and width than training clips. */
        private final InputSpec spec;
        private final Deque<CompletableFuture<Batch>> pending = new ArrayDeque<>();
        private int submitted;
        private Batch next;
        private long waitNanos;
        private int skipped;

        private Stream(Split split, int[] order, int batchSize, int views, boolean evaluationViews, long augmentSeed) {
            this.split = split;
            this.order = order.clone();
            this.batchSize = batchSize;
            this.views = views;
            this.evaluationViews = evaluationViews;
            this.augmentSeed = augmentSeed;
            this.batches = (order.length + batchSize - 1) / batchSize;
            this.spec = dataset.inputSpec(split);
            fill();
        }

        /** Seconds the consumer waited on decoding so far (the rest of its time is compute). */
        public double waitSeconds() {
            return waitNanos / 1e9;
        }

        /** Items skipped as bad in this pass. */
        public int skipped() {
            return skipped;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !pending.isEmpty()) {
                long start = System.nanoTime();
                Batch batch;
                try {
                    batch = pending.removeFirst().join();
                } catch (CompletionException e) {
                    pending.forEach(f -> f.cancel(true));
                    pending.clear();
                    if (e.getCause() instanceof Error error) {
                        throw error; // e.g. missing natives: the error itself, not a wrapper
                    }
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                } finally {
                    waitNanos += System.nanoTime() - start;
                }
                fill();
                next = batch.size() > 0 ? batch : null;
            }
            return next != null;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Batch batch = next;
            next = null;
            return batch;
        }

        private void fill() {
            while (submitted < batches && pending.size() < prefetch + 1) {
                int from = submitted * batchSize;
                int to = Math.min(order.length, from + batchSize);
                List<CompletableFuture<Clip[]>> items = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    int item = order[i];
                    items.add(CompletableFuture.supplyAsync(() -> read(item), workers));
                }
                pending.addLast(CompletableFuture.allOf(items.toArray(CompletableFuture[]::new))
                        .thenApply(done -> assemble(items.stream().map(CompletableFuture::join).toList())));
                submitted++;
            }
        }

        /** The item's clips (one per view), or null if it is bad. */
        private Clip[] read(int item) {
            Clip[] clips = new Clip[views];
            try {
                for (int v = 0; v < views; v++) {
                    clips[v] = evaluationViews ? dataset.view(split, item, v)
                            : dataset.clip(split, item, augmentSeed * 1_000_003L + item);
                }
                return clips;
            } catch (BadItemException e) {
                ledger.record(split, e.item());
                return null;
            }
        }

        private Batch assemble(List<Clip[]> items) {
            int clipLength = spec.channels() * spec.frames() * spec.height() * spec.width();
            List<Clip[]> good = items.stream().filter(java.util.Objects::nonNull).toList();
            synchronized (this) {
                skipped += items.size() - good.size();
            }
            int n = good.size();
            if (n == 0) {
                return new Batch(null, null, new int[0], views);
            }
            float[] data = new float[n * views * clipLength];
            int[] labels = new int[n];
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                ids[i] = good.get(i)[0].id();
                for (int v = 0; v < views; v++) {
                    Clip clip = good.get(i)[v];
                    if (clip.data().length != clipLength) {
                        throw new IllegalStateException("dataset returned " + clip.data().length + " values for "
                                + clip.id() + ", expected " + clipLength);
                    }
                    System.arraycopy(clip.data(), 0, data, (i * views + v) * clipLength, clipLength);
                }
                labels[i] = good.get(i)[0].label();
            }
            INDArray clips = Nd4j.create(data, new long[] {(long) n * views, spec.channels(), spec.frames(),
                    spec.height(), spec.width()}, 'c');
            INDArray oneHot = Nd4j.zeros(dataType, n, spec.classes());
            for (int i = 0; i < n; i++) {
                oneHot.putScalar(i, labels[i], 1);
            }
            return new Batch(clips.castTo(dataType), oneHot, labels, views, ids);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
