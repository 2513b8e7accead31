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
 * 3D MobileNetV2 with a fusion position at every expansion conv (supplement, {@code models/mobilenet_v2_3d.py}):
 * stem conv kx3x3 s(1,2,2) - BN - ReLU6; inverted residuals = [fusion position: S and T paths, each
 * conv - BN - ReLU6, summed; only when the expansion t > 1] - depthwise 1x3x3 (spatial stride) - BN - ReLU6 -
 * pointwise 1x1x1 - BN (linear) - + input when the stride is 1 and the width unchanged; last 1x1x1 conv - BN -
 * ReLU6; global pooling - classifier. Channel counts follow torchvision: multiplied by the width multiplier
 * and rounded to multiples of 8. The layers are torchvision's {@code mobilenet_v2} with 3D kernels and carry its
 * names ({@link #inflation}).
 */
final class MobileNet3d implements Backbone {
    private static final int ROUND_TO = 8;
    /** torchvision's inverted residual setting (t, c, n, s). */
    private static final List<Stage> TORCHVISION_STAGES = List.of(new Stage(1, 16, 1, 1), new Stage(6, 24, 2, 2),
            new Stage(6, 32, 3, 2), new Stage(6, 64, 4, 2), new Stage(6, 96, 3, 1), new Stage(6, 160, 3, 2),
            new Stage(6, 320, 1, 1));

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

    /**
     * torchvision's MobileNetV2 names: stem {@code features.0.0} (conv), {@code features.0.1} (BN); block k is
     * {@code features.<k>}: with an expansion, {@code conv.0.0} - {@code conv.0.1} (the expansion conv and its BN: the
     * fusion position, each path conv - BN - ReLU6), {@code conv.1.0} - {@code conv.1.1} (depthwise 3x3 to 1x3x3 and
     * BN), {@code conv.2} - {@code conv.3} (projection and BN); without one, {@code conv.0.0} - {@code conv.0.1}
     * (depthwise), {@code conv.1} - {@code conv.2} (projection); the last 1x1 {@code features.<n+1>.0} - {@code .1};
     * the 1000-class {@code classifier.1} is dropped.
     */
    @Override
    public Optional<Inflation> inflation() {
        List<Inflation.Layer> layers = new ArrayList<>();
        layers.add(new Inflation.Conv("stem.conv", "features.0.0"));
        layers.add(new Inflation.BatchNorm("stem.bn", "features.0.1"));
        int index = 1;
        for (Stage stage : settings.stages()) {
            for (int i = 0; i < stage.repeats(); i++, index++) {
                String name = "block" + index;
                String key = "features." + index + ".conv.";
                int next = 0;
                if (stage.expansion() != 1) { // as invertedResidual() and torchvision decide
                    layers.add(new Inflation.Fusion(name, key + "0.0", key + "0.1"));
                    next = 1;
                }
                layers.add(new Inflation.Conv(name + ".dw.conv", key + next + ".0"));
                layers.add(new Inflation.BatchNorm(name + ".dw.bn", key + next + ".1"));
                layers.add(new Inflation.Conv(name + ".project.conv", key + (next + 1)));
                layers.add(new Inflation.BatchNorm(name + ".project.bn", key + (next + 2)));
            }
        }
        layers.add(new Inflation.Conv("head.conv", "features." + index + ".0"));
        layers.add(new Inflation.BatchNorm("head.bn", "features." + index + ".1"));
        boolean torchvision = settings.widthMultiplier() == 1.0 && settings.stemChannels() == 32
                && settings.lastChannels() == 1280 && settings.stages().equals(TORCHVISION_STAGES);
        String source = torchvision ? "torchvision's mobilenet_v2 state_dict"
                : "a torchvision MobileNetV2 state_dict with this network's stage table and widths";
        return Optional.of(new Inflation(source, layers, List.of("classifier.1.weight", "classifier.1.bias")));
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
