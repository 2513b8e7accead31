package org.stfusion.datasets;

import java.util.Map;
import org.stfusion.api.config.PluginConfig;

/** Opens synthetic datasets from {@code dataset:} key/value maps, as the core would. */
final class TestDatasets {
    private TestDatasets() {
    }

    static SyntheticDataset open(Map<String, ?> values) {
        return (SyntheticDataset) new SyntheticDatasetProvider().open(new PluginConfig("dataset", values));
    }

    /** Index of pixel (c, t, y, x) in C x T x H x W data. */
    static int at(SyntheticDataset dataset, int c, int t, int y, int x) {
        int frames = dataset.inputSpec().frames();
        int size = dataset.inputSpec().height();
        return ((c * frames + t) * size + y) * size + x;
    }
}
