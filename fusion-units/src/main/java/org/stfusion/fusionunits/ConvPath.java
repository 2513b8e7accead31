package org.stfusion.fusionunits;

import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;

/** A fusion path that is one bias-free, stride-1, same-padded convolution. */
record ConvPath(String unitName, Kernel3 kernel) implements FusionPath {

    @Override
    public Tensor apply(NetworkBuilder builder, String scope, Tensor activated, int outChannels) {
        Kernel3 pad = Kernel3.of(kernel.t() / 2, kernel.h() / 2, kernel.w() / 2);
        return builder.conv3d(scope + ".conv", activated, outChannels, kernel, Kernel3.cube(1), pad);
    }
}
