package org.stfusion.datasets;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;

/**
 * {@code synthetic}: clips generated in memory, an object moving on a torus (its start is uniform, so no single
 * frame tells the motion classes apart).
 * Keys of the {@code dataset:} section are documented in {@code SyntheticSettings}.
 */
public final class SyntheticDatasetProvider implements DatasetProvider {
    public static final String NAME = "synthetic";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Embedded synthetic clips: objects moving on a torus (task motion, appearance or scale)";
    }

    @Override
    public Dataset open(PluginConfig config) {
        return new SyntheticDataset(SyntheticSettings.read(config));
    }
}
