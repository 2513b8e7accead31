package org.stfusion.api.model;

import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;

/** Service provider for a fusion path kind; configured by the {@code fusion.<name>} config section. */
public interface FusionUnitProvider extends NamedProvider {
    FusionPath create(PluginConfig config);
}
