package org.stfusion.reporters;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;

/** The {@code markdown} reporter: summary.md (tables and the Fig. 4 chart) for a README or a pull request. */
public final class MarkdownReporterProvider implements ReporterProvider {
    public static final String NAME = "markdown";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "summary.md and fig4.svg in the run directory: the marginals chart and the tables, for a README or a pull request";
    }

    @Override
    public Reporter create(PluginConfig config, ReporterContext context) {
        config.accept("name");
        config.rejectUnknownKeys();
        return new MarkdownReporter(context.runDir());
    }
}
