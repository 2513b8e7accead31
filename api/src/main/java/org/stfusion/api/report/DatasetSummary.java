package org.stfusion.api.report;

import java.util.List;
import java.util.Map;
import org.stfusion.api.data.BadItem;

/**
 * The dataset a run used: plugin name and version, usable item counts, class names, manifest hash, and per
 * split label ("train", "val") the entries that were skipped as bad, each with its source and reason.
 */
public record DatasetSummary(String name, String version, int trainItems, int valItems, List<String> classes,
                             String manifestHash, Map<String, List<BadItem>> badItems) {

    public DatasetSummary {
        classes = List.copyOf(classes);
        badItems = badItems == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(badItems));
    }

    public DatasetSummary(String name, String version, int trainItems, int valItems, List<String> classes,
                          String manifestHash) {
        this(name, version, trainItems, valItems, classes, manifestHash, Map.of());
    }

    /** Bad entries over all splits. */
    public int badItemCount() {
        return badItems.values().stream().mapToInt(List::size).sum();
    }
}
