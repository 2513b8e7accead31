package org.stfusion.fusionunits;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.model.Kernel3;

/** The S path: a 1x1x1 convolution, mixing channels only (followed by the shared 1x3x3 it forms unit S). */
public final class SpatialPathProvider implements FusionUnitProvider {
    public static final String NAME = "spatial";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "S path: BN-ReLU-[gate]-Conv 1x1x1";
    }

    @Override
    public FusionPath create(PluginConfig config) {
        return new ConvPath("S", Kernel3.cube(1));
    }
}
