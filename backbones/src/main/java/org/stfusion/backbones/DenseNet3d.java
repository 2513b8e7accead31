package org.stfusion.backbones;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Inflation;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;

/**
 * The v1d3 template: stem conv kx7x7 s(1,2,2) - BN - ReLU - maxpool s(1,2,2); dense blocks whose layers are a
 * fusion position (S and T paths summed) - BN - ReLU - 1x3x3 conv to g channels, concatenated onto the input;
 * transitions that are a fusion position to C/2 channels then avgpool (1,2,2); head BN - ReLU - global
 * pooling - classifier. Temporal resolution is never reduced. Every layer but the classifier has its counterpart in
 * torchvision's 2D DenseNet ({@link #inflation}): the layers are torchvision's with 3D kernels, and each dense
 * layer's and transition's 1x1 conv became a fusion position.
 */
final class DenseNet3d implements Backbone {
    private final String preset;
    private final int features;
    private final int growth;
    private final int bnSize;
    private final List<Integer> blocks;
    private final int stemTemporalKernel;
    private final int stemPoolTemporalKernel;
    private final int classes;

    DenseNet3d(String preset, int features, int growth, int bnSize, List<Integer> blocks, int stemTemporalKernel,
               int stemPoolTemporalKernel, int classes) {
        this.preset = preset;
        this.features = features;
        this.growth = growth;
        this.bnSize = bnSize;
        this.blocks = List.copyOf(blocks);
        this.stemTemporalKernel = stemTemporalKernel;
        this.stemPoolTemporalKernel = stemPoolTemporalKernel;
        this.classes = classes;
    }

    /** Each transition halves H and W; the last block must still have at least one pixel. */
    void checkInput(InputSpec input, PluginConfig config) {
        int h = Math.min(input.height(), input.width());
        h = (h - 1) / 2 + 1; // stem conv stride 2
        h = (h - 1) / 2 + 1; // stem pool stride 2
        for (int b = 0; b < blocks.size() - 1; b++) {
            h /= 2;
        }
        if (h < 1) {
            throw new ConfigException(config.key("blocks"), "input " + input.height() + "x" + input.width()
                    + " is too small for " + blocks.size() + " dense blocks (each transition halves the size)");
        }
    }

    @Override
    public Tensor build(NetworkBuilder b, Tensor input) {
        int kt = stemTemporalKernel;
        Tensor x = b.conv3d("stem.conv", input, features, Kernel3.of(kt, 7, 7), Kernel3.of(1, 2, 2), Kernel3.of(kt / 2, 3, 3));
        x = b.batchNormRelu("stem.bn", x);
        int pt = stemPoolTemporalKernel;
        x = b.maxPool3d(x, Kernel3.of(pt, 3, 3), Kernel3.of(1, 2, 2), Kernel3.of(pt / 2, 1, 1));
        int width = bnSize * growth;
        for (int blk = 0; blk < blocks.size(); blk++) {
            for (int l = 1; l <= blocks.get(blk); l++) {
                String name = "B" + (blk + 1) + ".L" + l;
                Tensor fused = b.fusion(name, x, width);
                Tensor h = b.layerGate(name, b.batchNormRelu(name + ".bn", fused));
                Tensor grown = b.conv3d(name + ".conv", h, growth, Kernel3.of(1, 3, 3), Kernel3.cube(1), Kernel3.of(0, 1, 1));
                List<Tensor> parts = new ArrayList<>(2);
                parts.add(x);
                parts.add(grown);
                x = b.concat(parts);
            }
            if (blk < blocks.size() - 1) {
                String name = "T" + (blk + 1);
                Tensor fused = b.fusion(name, x, x.shape().channels() / 2);
                x = b.avgPool3d(fused, Kernel3.of(1, 2, 2), Kernel3.of(1, 2, 2), Kernel3.cube(0));
            }
        }
        x = b.batchNormRelu("head.bn", x);
        return b.classifier("head.fc", b.globalAvgPool(x), classes);
    }

    /**
     * torchvision's (and timm's) DenseNet names: stem {@code features.conv0}, {@code features.norm0}; dense layer l of
     * block b {@code features.denseblock<b>.denselayer<l>} with {@code norm1} - {@code conv1} (the fusion position:
     * both paths' BNs from {@code norm1}, their convs from the 1x1 {@code conv1}), {@code norm2}, {@code conv2}
     * (3x3 to 1x3x3); transition b {@code features.transition<b>} with {@code norm} - {@code conv} (a fusion position
     * too); {@code features.norm5} before the pooling; the 1000-class {@code classifier} is dropped.
     */
    @Override
    public Optional<Inflation> inflation() {
        List<Inflation.Layer> layers = new ArrayList<>();
        layers.add(new Inflation.Conv("stem.conv", "features.conv0"));
        layers.add(new Inflation.BatchNorm("stem.bn", "features.norm0"));
        for (int blk = 0; blk < blocks.size(); blk++) {
            for (int l = 1; l <= blocks.get(blk); l++) {
                String name = "B" + (blk + 1) + ".L" + l;
                String key = "features.denseblock" + (blk + 1) + ".denselayer" + l;
                layers.add(new Inflation.Fusion(name, key + ".conv1", key + ".norm1"));
                layers.add(new Inflation.BatchNorm(name + ".bn", key + ".norm2"));
                layers.add(new Inflation.Conv(name + ".conv", key + ".conv2"));
            }
            if (blk < blocks.size() - 1) {
                String key = "features.transition" + (blk + 1);
                layers.add(new Inflation.Fusion("T" + (blk + 1), key + ".conv", key + ".norm"));
            }
        }
        layers.add(new Inflation.BatchNorm("head.bn", "features.norm5")); // torchvision's name, whatever the block count
        String source = preset.equals("densenet121") && features == 64 && growth == 32 && bnSize == 4
                && blocks.equals(List.of(6, 12, 24, 16)) ? "torchvision's densenet121 state_dict"
                : "a torchvision DenseNet state_dict with " + features + " initial features, growth " + growth
                + ", bn_size " + bnSize + " and blocks " + blocks;
        return Optional.of(new Inflation(source, layers, List.of("classifier.weight", "classifier.bias")));
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("preset", preset);
        s.put("initFeatures", features);
        s.put("growth", growth);
        s.put("bnSize", bnSize);
        s.put("blocks", blocks);
        s.put("stemTemporalKernel", stemTemporalKernel);
        s.put("stemPoolTemporalKernel", stemPoolTemporalKernel);
        return s;
    }
}
