package org.stfusion.reporters;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;

/** The {@code json} reporter: results.json, strategies.csv and marginals.csv in the run directory. */
public final class JsonReporterProvider implements ReporterProvider {
    public static final String NAME = "json";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "results.json, strategies.csv and marginals.csv in the run directory";
    }

    @Override
    public Reporter create(PluginConfig config, ReporterContext context) {
        config.accept("name");
        boolean pretty = config.getBoolean("pretty", true);
        config.rejectUnknownKeys();
        return new JsonReporter(context.runDir(), pretty);
    }
}
