package org.stfusion.core.config;

import org.stfusion.api.config.PluginConfig;

/**
 * The {@code data:} section: how clips are loaded, whatever the dataset. {@code workers} threads decode items
 * (default 2), up to {@code prefetch} batches ahead of training (default 2). {@code maxBadFraction} is the
 * share of a split's entries that may be bad (rejected when the dataset opened, or unreadable later) before
 * the run stops (default 0.05); bad items are skipped and listed in the results either way.
 */
public record DataSettings(int workers, int prefetch, double maxBadFraction) {

    public static DataSettings defaults() {
        return new DataSettings(2, 2, 0.05);
    }

    static DataSettings read(PluginConfig c) {
        DataSettings d = defaults();
        return new DataSettings(c.getInt("workers", d.workers(), 1, 256), c.getInt("prefetch", d.prefetch(), 1, 64),
                c.getDouble("maxBadFraction", d.maxBadFraction(), 0, 1));
    }
}
