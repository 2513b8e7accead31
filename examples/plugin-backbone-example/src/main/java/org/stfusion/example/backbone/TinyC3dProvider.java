package org.stfusion.example.backbone;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;

/**
 * {@code tiny-c3d}: a small C3D-style backbone with two fusion positions, {@code F1} and {@code F2}. Config keys
 * ({@code backbone:} section): {@code width} (default 16), the channels of the stem; F2 works at twice that.
 * Providers must be cheap to construct: all work happens in {@link #create}.
 */
public final class TinyC3dProvider implements BackboneProvider {
    public static final String NAME = "tiny-c3d";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "example plugin: tiny C3D-style net with fusion positions F1, F2 (key: width)";
    }

    @Override
    public Backbone create(PluginConfig config, InputSpec input) {
        // Typed, range-checked read; a bad value is a ConfigException naming "backbone.width".
        int width = config.getInt("width", 16, 1, 1024);
        return new TinyC3d(width, input.classes());
    }
}
