package org.stfusion.backbones;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.model.Backbone;
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
