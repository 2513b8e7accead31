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
 * 3D MobileNetV2 with a fusion position at every expansion conv (supplement, {@code models/mobilenet_v2_3d.py}):
 * stem conv kx3x3 s(1,2,2) - BN - ReLU6; inverted residuals = [fusion position: S and T paths, each
 * conv - BN - ReLU6, summed; only when the expansion t > 1] - depthwise 1x3x3 (spatial stride) - BN - ReLU6 -
 * pointwise 1x1x1 - BN (linear) - + input when the stride is 1 and the width unchanged; last 1x1x1 conv - BN -
 * ReLU6; global pooling - classifier. Channel counts follow torchvision: multiplied by the width multiplier
 * and rounded to multiples of 8.
 */
final class MobileNet3d implements Backbone {
    private static final int ROUND_TO = 8;

    /** One row of the stage table: expansion t, output channels c (before the multiplier), repeats n, stride s. */
    record Stage(int expansion, int channels, int repeats, int stride) {
    }

    record Settings(String preset, double widthMultiplier, int stemChannels, int lastChannels, List<Stage> stages,
                    int stemTemporalKernel) {
        Settings {
            stages = List.copyOf(stages);
        }

        /** Spatial down-sampling from input to the last block: the stem's 2 times every stage stride. */
        int totalStride() {
            return stages.stream().mapToInt(Stage::stride).reduce(2, (a, b) -> a * b);
        }
    }

    private final Settings settings;
    private final int classes;

    MobileNet3d(Settings settings, int classes) {
        this.settings = settings;
        this.classes = classes;
    }

    @Override
    public Tensor build(NetworkBuilder b, Tensor input) {
        double wm = settings.widthMultiplier();
        int kt = settings.stemTemporalKernel();
        Tensor x = b.conv3d("stem.conv", input, roundChannels(settings.stemChannels() * wm), Kernel3.of(kt, 3, 3),
                Kernel3.of(1, 2, 2), Kernel3.of(kt / 2, 1, 1));
        x = b.relu6(b.batchNorm("stem.bn", x));
        int index = 1;
        for (Stage stage : settings.stages()) {
            int out = roundChannels(stage.channels() * wm);
            for (int i = 0; i < stage.repeats(); i++) {
                x = invertedResidual(b, "block" + index++, x, out, stage.expansion(), i == 0 ? stage.stride() : 1);
            }
        }
        x = b.conv3d("head.conv", x, roundChannels(settings.lastChannels() * Math.max(1.0, wm)), Kernel3.cube(1),
                Kernel3.cube(1), Kernel3.cube(0));
        x = b.relu6(b.batchNorm("head.bn", x));
        return b.classifier("head.fc", b.globalAvgPool(x), classes);
    }

    private static Tensor invertedResidual(NetworkBuilder b, String name, Tensor x, int out, int expansion, int stride) {
        int in = x.shape().channels();
        Tensor h = x;
        int hidden = (int) Math.round((double) in * expansion);
        if (expansion != 1) {
            h = b.fusion(name, x, hidden, FusionForm.POST_ACTIVATION_RELU6);
        }
        h = b.conv3d(name + ".dw.conv", h, hidden, Kernel3.of(1, 3, 3), Kernel3.of(1, stride, stride),
                Kernel3.of(0, 1, 1), hidden);
        h = b.relu6(b.batchNorm(name + ".dw.bn", h));
        h = b.conv3d(name + ".project.conv", h, out, Kernel3.cube(1), Kernel3.cube(1), Kernel3.cube(0));
        h = b.batchNorm(name + ".project.bn", h);
        return stride == 1 && in == out ? b.add(h, x) : h;
    }

    /** torchvision's {@code _make_divisible}: nearest multiple of 8, at least 8, never more than 10% below. */
    static int roundChannels(double v) {
        int rounded = Math.max(ROUND_TO, (int) (v + ROUND_TO / 2.0) / ROUND_TO * ROUND_TO);
        return rounded < 0.9 * v ? rounded + ROUND_TO : rounded;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("preset", settings.preset());
        s.put("widthMultiplier", settings.widthMultiplier());
        s.put("stemChannels", settings.stemChannels());
        s.put("lastChannels", settings.lastChannels());
        s.put("expansions", settings.stages().stream().map(Stage::expansion).toList());
        s.put("channels", settings.stages().stream().map(Stage::channels).toList());
        s.put("repeats", settings.stages().stream().map(Stage::repeats).toList());
        s.put("strides", settings.stages().stream().map(Stage::stride).toList());
        s.put("stemTemporalKernel", settings.stemTemporalKernel());
        return s;
    }
}
