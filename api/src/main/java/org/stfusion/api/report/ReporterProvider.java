package org.stfusion.api.report;

import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;

/** Service provider for a reporter; configured by its entry in the {@code reporters:} list. */
public interface ReporterProvider extends NamedProvider {
    Reporter create(PluginConfig config, ReporterContext context);
}
