package org.stfusion.api.report;

import java.util.List;

/** The dataset a run used: plugin name and version, item counts, class names and manifest hash. */
public record DatasetSummary(String name, String version, int trainItems, int valItems, List<String> classes,
                             String manifestHash) {
}
