package org.stfusion.backbones;

import java.util.ArrayList;
import java.util.List;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;

/**
 * {@code mobilenetv2}: 3D MobileNetV2 with a fusion position at every expansion conv (supplement). Presets
 * {@code mobilenetv2} (torchvision's stage table, width multiplier 1.0, stem 32, last 1280) and {@code tiny}
 * (stem 8, stages t/c/n/s = 1/8/1/1, 4/16/2/2, 4/24/2/2, last 64). The stage table is four lists of equal
 * length, {@code expansions}, {@code channels}, {@code repeats}, {@code strides}; these, {@code widthMultiplier},
 * {@code stemChannels}, {@code lastChannels} and {@code stemTemporalKernel} (5) override the preset.
 */
public final class MobileNet3dProvider implements BackboneProvider {
    public static final String NAME = "mobilenetv2";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "3D MobileNetV2 with fused expansion convs (presets: mobilenetv2, tiny)";
    }

    @Override
    public List<String> presets() {
        return List.of("mobilenetv2", "tiny");
    }

    @Override
    public Backbone create(PluginConfig config, InputSpec input) {
        String preset = config.getChoice("preset", "mobilenetv2", presets().toArray(String[]::new));
        boolean tiny = preset.equals("tiny");
        double widthMultiplier = config.getDouble("widthMultiplier", 1.0, 0.05, 16);
        int stemChannels = config.getInt("stemChannels", tiny ? 8 : 32, 1, 4096);
        int lastChannels = config.getInt("lastChannels", tiny ? 64 : 1280, 1, 65536);
        List<Integer> expansions = config.getIntList("expansions",
                tiny ? List.of(1, 4, 4) : List.of(1, 6, 6, 6, 6, 6, 6), 1, 64);
        if (expansions.isEmpty()) {
            throw new ConfigException(config.key("expansions"), "expected at least one stage, e.g. [1, 6, 6]");
        }
        List<Integer> channels = sameLength(config, "channels", expansions.size(),
                tiny ? List.of(8, 16, 24) : List.of(16, 24, 32, 64, 96, 160, 320), 1, 65536);
        List<Integer> repeats = sameLength(config, "repeats", expansions.size(),
                tiny ? List.of(1, 2, 2) : List.of(1, 2, 3, 4, 3, 3, 1), 1, 256);
        List<Integer> strides = sameLength(config, "strides", expansions.size(),
                tiny ? List.of(1, 2, 2) : List.of(1, 2, 2, 2, 1, 2, 1), 1, 2);
        int stemT = config.getInt("stemTemporalKernel", 5, 1, 15);
        if (stemT % 2 == 0) {
            throw new ConfigException(config.key("stemTemporalKernel"), "expected an odd kernel size, got " + stemT);
        }
        List<MobileNet3d.Stage> stages = new ArrayList<>();
        for (int i = 0; i < expansions.size(); i++) {
            stages.add(new MobileNet3d.Stage(expansions.get(i), channels.get(i), repeats.get(i), strides.get(i)));
        }
        var settings = new MobileNet3d.Settings(preset, widthMultiplier, stemChannels, lastChannels, stages, stemT);
        int size = Math.min(input.height(), input.width());
        if (size < settings.totalStride()) {
            throw new ConfigException(config.key("strides"), "input " + input.height() + "x" + input.width()
                    + " is too small for spatial stride " + settings.totalStride() + " (the stem's 2 times the stage strides)");
        }
        return new MobileNet3d(settings, input.classes());
    }

    /** A stage-table column, as long as {@code expansions}. */
    private static List<Integer> sameLength(PluginConfig config, String key, int stages, List<Integer> preset,
                                            int min, int max) {
        List<Integer> values = config.getIntList(key, preset, min, max);
        if (values.size() != stages) {
            throw new ConfigException(config.key(key), "expected " + stages + " entries, one per stage like expansions, got "
                    + values.size());
        }
        return values;
    }
}
