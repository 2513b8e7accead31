package org.stfusion.core.plugins;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;

/** Stands in for a built-in plugin: declared in the test class path's META-INF/services. */
public final class FixtureBackboneProvider implements BackboneProvider {
    static final String NAME = "fixture-backbone";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Backbone create(PluginConfig config, InputSpec input) {
        throw new UnsupportedOperationException("a discovery fixture");
    }
}
