package org.stfusion.fusionunits;

import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.model.Kernel3;

/**
 * The T path: a kx1x1 temporal convolution (k = 3 in the paper, odd, same-padded in time); with the shared
 * 1x3x3 that follows it forms the factorised unit ST.
 */
public final class TemporalPathProvider implements FusionUnitProvider {
    public static final String NAME = "temporal";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "T path: BN-ReLU-[gate]-Conv 3x1x1 (temporal kernel configurable, odd)";
    }

    @Override
    public FusionPath create(PluginConfig config) {
        int k = config.getInt("kernel", 3, 1, 15);
        if (k % 2 == 0) {
            throw new org.stfusion.api.config.ConfigException(config.key("kernel"), "expected an odd temporal kernel size, got " + k);
        }
        return new ConvPath("ST", Kernel3.of(k, 1, 1));
    }
}
