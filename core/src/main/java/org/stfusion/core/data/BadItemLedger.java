package org.stfusion.core.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.core.run.UserException;

/**
 * The bad items of one run: the entries the dataset left out when it was opened plus every item whose media
 * could not be read later. Each is counted once per split; once a split's share of bad entries exceeds
 * {@code maxBadFraction} the run stops with {@link TooManyBadItemsException}. With a file, the ledger is
 * rewritten atomically on every new entry, so a resumed run still knows what an earlier one skipped.
 */
public final class BadItemLedger {
    public static final String FILE_NAME = "bad-items.json";
    private static final Logger LOG = LogManager.getLogger(BadItemLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final double maxBadFraction;
    private final Path file;
    private final boolean writable;
    private final Map<Split, Integer> entries = new EnumMap<>(Split.class);
    private final Map<Split, Map<String, BadItem>> bad = new EnumMap<>(Split.class);

    /**
     * Starts from the dataset's rejected entries (and those an earlier run recorded in {@code file}, if it
     * exists) and fails at once if they already exceed the limit.
     */
    public BadItemLedger(Dataset dataset, double maxBadFraction, Path file) {
        this(dataset, maxBadFraction, file, true);
    }

    /**
     * Like {@link #BadItemLedger(Dataset, double, Path)}; with {@code writable} false, {@code file} is read but never
     * written (a task's view of a run, whose submitter owns the file).
     */
    public BadItemLedger(Dataset dataset, double maxBadFraction, Path file, boolean writable) {
        this.maxBadFraction = maxBadFraction;
        this.file = file;
        this.writable = writable;
        for (Split split : Split.values()) {
            List<BadItem> rejected = dataset.rejected(split);
            entries.put(split, dataset.size(split) + rejected.size());
            Map<String, BadItem> bySource = new LinkedHashMap<>();
            rejected.forEach(b -> bySource.put(b.source(), b));
            bad.put(split, bySource);
        }
        if (file != null && Files.isRegularFile(file)) {
            readEarlier(file);
        }
        for (Split split : Split.values()) {
            if (!bad.get(split).isEmpty()) {
                LOG.warn("{} {} entries left out: {}", bad.get(split).size(), split.label(), summary(split, 3));
            }
            check(split);
        }
    }

    /** A ledger that tolerates no bad item at all (tests, tools that must see every item). */
    public static BadItemLedger strict(Dataset dataset) {
        return new BadItemLedger(dataset, 0, null);
    }

    /** Counts {@code item} (once) and stops the run if {@code split} now has too many bad items. */
    public synchronized void record(Split split, BadItem item) {
        if (bad.get(split).putIfAbsent(item.source(), item) != null) {
            return;
        }
        LOG.warn("skipped {} item {}", split.label(), item);
        persist();
        check(split);
    }

    public synchronized List<BadItem> items(Split split) {
        return List.copyOf(bad.get(split).values());
    }

    public synchronized int count(Split split) {
        return bad.get(split).size();
    }

    /** Items plus rejected entries of {@code split}: the denominator of the limit. */
    public synchronized int entries(Split split) {
        return entries.get(split);
    }

    public double maxBadFraction() {
        return maxBadFraction;
    }

    private void check(Split split) {
        int count = bad.get(split).size();
        int total = Math.max(1, entries.get(split));
        if (count > maxBadFraction * total) {
            throw new TooManyBadItemsException(split.label() + " split: " + count + " of " + total + " entries are bad ("
                    + percent(count / (double) total) + ", more than data.maxBadFraction " + maxBadFraction + "); e.g. "
                    + summary(split, 3) + (file != null ? "; all of them are listed in " + file : "")
                    + ". Fix the data or raise data.maxBadFraction");
        }
    }

    private String summary(Split split, int max) {
        List<String> shown = new ArrayList<>();
        for (BadItem b : bad.get(split).values()) {
            if (shown.size() == max) {
                shown.add("…");
                break;
            }
            shown.add(b.toString());
        }
        return String.join("; ", shown);
    }

    private static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.2f %%", 100 * share);
    }

    private void persist() {
        if (file == null || !writable) {
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            doc.put(split.label(), bad.get(split).values());
        }
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private void readEarlier(Path from) {
        try {
            Map<String, List<BadItem>> doc = JSON.readValue(from.toFile(), new TypeReference<>() { });
            for (Split split : Split.values()) {
                for (BadItem b : doc.getOrDefault(split.label(), List.of())) {
                    bad.get(split).putIfAbsent(b.source(), b);
                }
            }
        } catch (IOException e) {
            throw new UserException(from + " is not a bad-item list written by stfusion: " + e.getMessage()
                    + "; move it away to start the list afresh");
        }
    }

    /** More bad items than the configured share: a data problem the user has to look at. */
    public static final class TooManyBadItemsException extends UserException {
        private static final long serialVersionUID = 1L;

        TooManyBadItemsException(String message) {
            super(message);
        }
    }
}
