package org.stfusion.reporters;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;

/** The {@code html} reporter: a self-contained report.html with the Fig. 4 chart in the run directory. */
public final class HtmlReporterProvider implements ReporterProvider {
    public static final String NAME = "html";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "report.html in the run directory: marginals per fusion position (the paper's Fig. 4), drop rates, "
                + "learning curves, strategies, provenance; self-contained";
    }

    @Override
    public Reporter create(PluginConfig config, ReporterContext context) {
        config.accept("name");
        config.rejectUnknownKeys();
        return new HtmlReporter(context.runDir());
    }
}
