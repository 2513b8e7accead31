package org.stfusion.backbones;

import java.util.List;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.InputSpec;

/** The configuration keys {@code resnet3d} and {@code resnext3d} share, and their checks against the input. */
final class ResNetKeys {
    private ResNetKeys() {
    }

    static List<Integer> blocks(PluginConfig config, List<Integer> preset) {
        List<Integer> blocks = config.getIntList("blocks", preset, 1, 256);
        if (blocks.isEmpty()) {
            throw new ConfigException(config.key("blocks"), "expected at least one stage, e.g. [3, 4, 6, 3]");
        }
        return blocks;
    }

    static int baseWidth(PluginConfig config, int preset) {
        return config.getInt("baseWidth", preset, 1, 4096);
    }

    static int stemTemporalKernel(PluginConfig config) {
        int k = config.getInt("stemTemporalKernel", 5, 1, 15);
        if (k % 2 == 0) {
            throw new ConfigException(config.key("stemTemporalKernel"), "expected an odd kernel size, got " + k);
        }
        return k;
    }

    static int stemTemporalStride(PluginConfig config) {
        return config.getInt("stemTemporalStride", 1, 1, 8);
    }

    /**
     * Every stage after the first halves H and W, after the stem's /4; a stage that would only see padding
     * (a 1x1 map halved again) is a configuration mistake, as is a temporal stride longer than the clip.
     */
    static void checkInput(ResNet3d.Settings s, InputSpec input, PluginConfig config) {
        int size = Math.min(input.height(), input.width());
        if (size < s.totalStride()) {
            throw new ConfigException(config.key("blocks"), "input " + input.height() + "x" + input.width()
                    + " is too small for " + s.blocks().size() + " stages (spatial stride " + s.totalStride()
                    + "; each stage after the first halves the size)");
        }
        if (input.frames() < s.stemTemporalStride()) {
            throw new ConfigException(config.key("stemTemporalStride"), "temporal stride " + s.stemTemporalStride()
                    + " is longer than the " + input.frames() + "-frame clip");
        }
    }
}
