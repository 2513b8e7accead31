package org.stfusion.reporters;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;

/** The {@code console} reporter: training and scoring progress, then a summary of the results. */
public final class ConsoleReporterProvider implements ReporterProvider {
    public static final String NAME = "console";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "progress bars on the terminal and a summary of the best strategies and marginals";
    }

    @Override
    public Reporter create(PluginConfig config, ReporterContext context) {
        ConsoleSettings settings = ConsoleSettings.from(config);
        // Redrawn bars only make sense on a terminal; in logs and pipes they would be one endless line (plain lines there).
        boolean terminal = System.console() != null;
        return new ConsoleReporter(settings, context.console(), terminal, System::nanoTime);
    }
}
