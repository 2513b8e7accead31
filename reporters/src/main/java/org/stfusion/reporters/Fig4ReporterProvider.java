package org.stfusion.reporters;

import java.util.Locale;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;

/** The {@code fig4} reporter: the marginals chart alone as {@code fig4.svg} or {@code fig4.png} ({@code format}). */
public final class Fig4ReporterProvider implements ReporterProvider {
    public static final String NAME = "fig4";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the marginals chart (the paper's Fig. 4) alone: fig4.svg, or fig4.png with format: png (scale: pixels per unit, default 2)";
    }

    @Override
    public Reporter create(PluginConfig config, ReporterContext context) {
        config.accept("name");
        String format = config.getString("format", "svg").toLowerCase(Locale.ROOT);
        if (!format.equals("svg") && !format.equals("png")) {
            throw new ConfigException(config.key("format"), "expected svg or png, got '" + format + "'");
        }
        double scale = config.getDouble("scale", 2, 0.25, 8);
        config.rejectUnknownKeys();
        return new Fig4Reporter(context.runDir(), format.equals("png"), scale);
    }
}
