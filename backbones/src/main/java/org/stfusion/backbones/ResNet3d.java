package org.stfusion.backbones;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.Inflation;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;

/**
 * 3D ResNet and ResNeXt with a fusion position in every bottleneck (paper Table 6, {@code models/resnet_3d.py}):
 * stem conv kx7x7 s(ts,2,2) - BN - ReLU - maxpool 1x3x3 s(1,2,2); bottleneck = fusion position (S and T paths
 * on the activated input, summed) - BN - ReLU - 1x3x3 (spatial stride, grouped for ResNeXt) - BN - ReLU -
 * 1x1x1 - BN - + shortcut - ReLU; head global pooling - classifier. Stage i (from 0) has bottleneck width
 * {@code groups * widthPerGroup * 2^i} and output {@code 4 * baseWidth * 2^i}, as torchvision's ResNet-50
 * and ResNeXt-50 32x4d with baseWidth 64. The shortcut is the identity, or, where the size or width changes,
 * AvgPool 1x3x3 s(1,2,2) (strided blocks only) - 1x1x1 conv - BN.
 *
 * <p>The layers are torchvision's ResNet / ResNeXt with 3D kernels and carry its names ({@link #inflation}). One
 * difference from torchvision remains, taken from the authors' {@code resnet_3d.py}: a strided block's shortcut
 * averages 3x3 neighbourhoods before its 1x1x1 conv, where torchvision's strided 1x1 conv takes every other pixel.
 * The inflated weights fit all the same, but at the three strided blocks the inflated network is not the 2D one on a
 * clip of identical frames.
 */
final class ResNet3d implements Backbone {
    static final int EXPANSION = 4;

    /** The effective hyper-parameters; {@code groups} 1 and {@code widthPerGroup == baseWidth} is a ResNet. */
    record Settings(String preset, List<Integer> blocks, int baseWidth, int groups, int widthPerGroup,
                    int stemTemporalKernel, int stemTemporalStride) {
        Settings {
            blocks = List.copyOf(blocks);
        }

        /** Spatial down-sampling from input to the last stage: stem conv, max-pool, then 2 per later stage. */
        int totalStride() {
            return 4 << (blocks.size() - 1);
        }
    }

    private final Settings settings;
    private final boolean resnext;
    private final int classes;

    /** {@code resnext}: whether the grouping keys are the network's own (and reported in its settings). */
    ResNet3d(Settings settings, boolean resnext, int classes) {
        this.settings = settings;
        this.resnext = resnext;
        this.classes = classes;
    }

    @Override
    public Tensor build(NetworkBuilder b, Tensor input) {
        int kt = settings.stemTemporalKernel();
        Tensor x = b.conv3d("stem.conv", input, settings.baseWidth(), Kernel3.of(kt, 7, 7),
                Kernel3.of(settings.stemTemporalStride(), 2, 2), Kernel3.of(kt / 2, 3, 3));
        x = b.batchNormRelu("stem.bn", x);
        x = b.maxPool3d(x, Kernel3.of(1, 3, 3), Kernel3.of(1, 2, 2), Kernel3.of(0, 1, 1));
        for (int stage = 0; stage < settings.blocks().size(); stage++) {
            int width = (settings.groups() * settings.widthPerGroup()) << stage;
            int out = (EXPANSION * settings.baseWidth()) << stage;
            for (int block = 0; block < settings.blocks().get(stage); block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                x = bottleneck(b, "layer" + (stage + 1) + "." + block, x, width, out, stride);
            }
        }
        return b.classifier("head.fc", b.globalAvgPool(x), classes);
    }

    private Tensor bottleneck(NetworkBuilder b, String name, Tensor x, int width, int out, int stride) {
        Tensor h = b.fusion(name, x, width, FusionForm.ACTIVATED_INPUT);
        h = b.batchNormRelu(name + ".bn1", h);
        h = b.conv3d(name + ".conv2", h, width, Kernel3.of(1, 3, 3), Kernel3.of(1, stride, stride),
                Kernel3.of(0, 1, 1), settings.groups());
        h = b.batchNormRelu(name + ".bn2", h);
        h = b.conv3d(name + ".conv3", h, out, Kernel3.cube(1), Kernel3.cube(1), Kernel3.cube(0));
        h = b.batchNorm(name + ".bn3", h);
        return b.relu(b.add(h, shortcut(b, name, x, out, stride)));
    }

    /**
     * torchvision's ResNet names: stem {@code conv1}, {@code bn1}; block j of stage i {@code layer<i>.<j>} with the
     * 1x1 {@code conv1} (the fusion position, paths on the activated input, so no BN of their own), {@code bn1},
     * {@code conv2} (3x3 to 1x3x3, grouped in ResNeXt), {@code bn2}, {@code conv3}, {@code bn3}, and where the
     * shortcut has a conv {@code downsample.0} (conv) and {@code downsample.1} (BN); the 1000-class {@code fc} is
     * dropped.
     */
    @Override
    public Optional<Inflation> inflation() {
        List<Inflation.Layer> layers = new ArrayList<>();
        layers.add(new Inflation.Conv("stem.conv", "conv1"));
        layers.add(new Inflation.BatchNorm("stem.bn", "bn1"));
        int channels = settings.baseWidth();
        for (int stage = 0; stage < settings.blocks().size(); stage++) {
            int out = (EXPANSION * settings.baseWidth()) << stage;
            for (int block = 0; block < settings.blocks().get(stage); block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                String name = "layer" + (stage + 1) + "." + block;
                layers.add(new Inflation.Fusion(name, name + ".conv1", null));
                layers.add(new Inflation.BatchNorm(name + ".bn1", name + ".bn1"));
                layers.add(new Inflation.Conv(name + ".conv2", name + ".conv2"));
                layers.add(new Inflation.BatchNorm(name + ".bn2", name + ".bn2"));
                layers.add(new Inflation.Conv(name + ".conv3", name + ".conv3"));
                layers.add(new Inflation.BatchNorm(name + ".bn3", name + ".bn3"));
                if (stride != 1 || channels != out) { // as shortcut() decides, and torchvision's downsample
                    layers.add(new Inflation.Conv(name + ".downsample.conv", name + ".downsample.0"));
                    layers.add(new Inflation.BatchNorm(name + ".downsample.bn", name + ".downsample.1"));
                }
                channels = out;
            }
        }
        return Optional.of(new Inflation(torchvisionModel(), layers, List.of("fc.weight", "fc.bias")));
    }

    /** The torchvision model whose state_dict fits this network, or what it must look like. */
    private String torchvisionModel() {
        boolean fourStages = settings.blocks().equals(List.of(3, 4, 6, 3)) && settings.baseWidth() == 64;
        if (fourStages && !resnext && settings.widthPerGroup() == 64 && settings.groups() == 1) {
            return "torchvision's resnet50 state_dict";
        }
        if (fourStages && resnext && settings.groups() == 32 && settings.widthPerGroup() == 4) {
            return "torchvision's resnext50_32x4d state_dict";
        }
        return "a torchvision " + (resnext ? "ResNeXt" : "ResNet") + " (Bottleneck) state_dict with blocks "
                + settings.blocks() + ", base width " + settings.baseWidth()
                + (resnext ? ", " + settings.groups() + " groups of width " + settings.widthPerGroup() : "");
    }

    private static Tensor shortcut(NetworkBuilder b, String name, Tensor x, int out, int stride) {
        if (stride == 1 && x.shape().channels() == out) {
            return x;
        }
        Tensor s = x;
        if (stride > 1) {
            s = b.avgPool3d(s, Kernel3.of(1, 3, 3), Kernel3.of(1, stride, stride), Kernel3.of(0, 1, 1));
        }
        s = b.conv3d(name + ".downsample.conv", s, out, Kernel3.cube(1), Kernel3.cube(1), Kernel3.cube(0));
        return b.batchNorm(name + ".downsample.bn", s);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("preset", settings.preset());
        s.put("blocks", settings.blocks());
        s.put("baseWidth", settings.baseWidth());
        if (resnext) {
            s.put("groups", settings.groups());
            s.put("widthPerGroup", settings.widthPerGroup());
        }
        s.put("stemTemporalKernel", settings.stemTemporalKernel());
        s.put("stemTemporalStride", settings.stemTemporalStride());
        return s;
    }
}
