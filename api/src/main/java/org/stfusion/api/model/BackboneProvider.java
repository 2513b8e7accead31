package org.stfusion.api.model;

import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;

/**
 * Service provider for a backbone, found with {@link java.util.ServiceLoader}. Reads its keys from the
 * {@code backbone:} config section (the {@code name} key is the registry's) and fails with a
 * {@link org.stfusion.api.config.ConfigException} naming the key on bad values.
 */
public interface BackboneProvider extends NamedProvider {
    Backbone create(PluginConfig config, InputSpec input);
}
