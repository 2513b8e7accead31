package org.stfusion.reporters;

import org.stfusion.api.config.PluginConfig;

/**
 * Options of the console reporter.
 *
 * @param progress whether to show progress: bars on a terminal, a plain line a minute in logs and pipes
 * @param width    width of a progress bar in characters
 * @param top      how many sampled strategies the summary lists
 */
record ConsoleSettings(boolean progress, int width, int top) {

    static ConsoleSettings from(PluginConfig config) {
        config.accept("name");
        ConsoleSettings settings = new ConsoleSettings(
                config.getBoolean("progress", true),
                config.getInt("width", 30, 5, 100),
                config.getInt("top", 10, 1, 10_000));
        config.rejectUnknownKeys();
        return settings;
    }
}
