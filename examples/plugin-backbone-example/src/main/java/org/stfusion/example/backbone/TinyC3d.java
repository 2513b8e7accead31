package org.stfusion.example.backbone;

import java.util.LinkedHashMap;
import java.util.Map;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;

/**
 * stem conv 3x3x3 s(1,2,2) - BN - ReLU - F1 [fusion - BN - ReLU - conv 1x3x3] - avgpool (1,2,2)
 * - F2 [fusion - BN - ReLU - conv 1x3x3] - BN - ReLU - global average pool - classifier.
 * The fusion positions are where the engine places the gated fusion paths (e.g. spatial 1x1x1 and temporal 3x1x1).
 */
final class TinyC3d implements Backbone {
    private final int width;
    private final int classes;

    TinyC3d(int width, int classes) {
        this.width = width;
        this.classes = classes;
    }

    @Override
    public Tensor build(NetworkBuilder b, Tensor input) {
        Tensor x = b.conv3d("stem.conv", input, width, Kernel3.cube(3), Kernel3.of(1, 2, 2), Kernel3.cube(1));
        x = b.batchNormRelu("stem.bn", x);
        x = fusionBlock(b, "F1", x, width);
        x = b.avgPool3d(x, Kernel3.of(1, 2, 2), Kernel3.of(1, 2, 2), Kernel3.cube(0));
        x = fusionBlock(b, "F2", x, 2 * width);
        x = b.batchNormRelu("head.bn", x);
        return b.classifier("head.fc", b.globalAvgPool(x), classes);
    }

    /** A fusion position followed by BN-ReLU and a spatial 1x3x3 convolution. */
    private static Tensor fusionBlock(NetworkBuilder b, String name, Tensor x, int channels) {
        Tensor fused = b.fusion(name, x, channels);
        Tensor h = b.batchNormRelu(name + ".bn", fused);
        return b.conv3d(name + ".conv", h, channels, Kernel3.of(1, 3, 3), Kernel3.cube(1), Kernel3.of(0, 1, 1));
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("width", width);
        return s;
    }
}
