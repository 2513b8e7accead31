package org.stfusion.core.engine;

import java.util.List;
import java.util.Map;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;

/**
 * Core's own test networks, so that its tests need no plugin module: the v1d3 layout in miniature (stem conv
 * 5x7x7 s(1,2,2), BN-ReLU, max-pool; dense layers = fusion position, BN-ReLU, layer gate, 1x3x3 conv, concat;
 * transitions = fusion position, avg-pool; head BN-ReLU, pooling, classifier) and the two standard fusion
 * paths, S (1x1x1) and ST (3x1x1). Parameter names follow the built-in plugins'.
 */
public record DenseFixture(int features, int growth, int bnSize, List<Integer> blocks, int classes) implements Backbone {

    /** One bias-free, same-padded convolution, as the built-in spatial and temporal paths. */
    record ConvPath(String unitName, int temporalKernel) implements FusionPath {
        @Override
        public Tensor apply(NetworkBuilder b, String scope, Tensor activated, int outChannels) {
            return b.conv3d(scope + ".conv", activated, outChannels, Kernel3.of(temporalKernel, 1, 1), Kernel3.cube(1),
                    Kernel3.of(temporalKernel / 2, 0, 0));
        }
    }

    public static List<FusionPath> paths() {
        return List.of(new ConvPath("S", 1), new ConvPath("ST", 3));
    }

    @Override
    public Tensor build(NetworkBuilder b, Tensor input) {
        Tensor x = b.conv3d("stem.conv", input, features, Kernel3.of(5, 7, 7), Kernel3.of(1, 2, 2), Kernel3.of(2, 3, 3));
        x = b.maxPool3d(b.batchNormRelu("stem.bn", x), Kernel3.cube(3), Kernel3.of(1, 2, 2), Kernel3.cube(1));
        for (int blk = 0; blk < blocks.size(); blk++) {
            for (int l = 1; l <= blocks.get(blk); l++) {
                String name = "B" + (blk + 1) + ".L" + l;
                Tensor h = b.layerGate(name, b.batchNormRelu(name + ".bn", b.fusion(name, x, bnSize * growth)));
                x = b.concat(List.of(x, b.conv3d(name + ".conv", h, growth, Kernel3.of(1, 3, 3), Kernel3.cube(1),
                        Kernel3.of(0, 1, 1))));
            }
            if (blk < blocks.size() - 1) {
                String name = "T" + (blk + 1);
                x = b.avgPool3d(b.fusion(name, x, x.shape().channels() / 2), Kernel3.of(1, 2, 2), Kernel3.of(1, 2, 2),
                        Kernel3.cube(0));
            }
        }
        return b.classifier("head.fc", b.globalAvgPool(b.batchNormRelu("head.bn", x)), classes);
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("initFeatures", features, "growth", growth, "bnSize", bnSize, "blocks", blocks);
    }
}
