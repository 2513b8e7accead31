package org.stfusion.api.model;

import java.util.List;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;

/**
 * Service provider for a backbone, found with {@link java.util.ServiceLoader}. Reads its keys from the
 * {@code backbone:} config section (the {@code name} key is the registry's) and fails with a
 * {@link org.stfusion.api.config.ConfigException} naming the key on bad values.
 */
public interface BackboneProvider extends NamedProvider {
    Backbone create(PluginConfig config, InputSpec input);

    /**
     * The values this backbone accepts for its {@code preset} key (e.g. "resnet50", "tiny"), so that tools can
     * name a network by its preset ({@code stfusion transfer RESULTS --to resnet50}); empty if it has none.
     */
    default List<String> presets() {
        return List.of();
    }
}
