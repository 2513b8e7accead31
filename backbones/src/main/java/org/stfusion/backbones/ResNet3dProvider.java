package org.stfusion.backbones;

import java.util.List;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;

/**
 * {@code resnet3d}: 3D ResNet with a fusion position at every bottleneck's first conv (paper Table 6). Presets
 * {@code resnet50} (blocks 3-4-6-3, base width 64; with stem temporal kernel 1 and the S unit everywhere it
 * is torchvision's ResNet-50 with 1-frame kernels) and {@code tiny} (blocks 2-2-2, base width 16); keys
 * {@code blocks}, {@code baseWidth}, {@code stemTemporalKernel} (5) and {@code stemTemporalStride} (1)
 * override the preset.
 */
public final class ResNet3dProvider implements BackboneProvider {
    public static final String NAME = "resnet3d";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "3D ResNet with fused bottlenecks (presets: resnet50, tiny)";
    }

    @Override
    public List<String> presets() {
        return List.of("resnet50", "tiny");
    }

    @Override
    public Backbone create(PluginConfig config, InputSpec input) {
        String preset = config.getChoice("preset", "resnet50", presets().toArray(String[]::new));
        boolean tiny = preset.equals("tiny");
        List<Integer> blocks = ResNetKeys.blocks(config, tiny ? List.of(2, 2, 2) : List.of(3, 4, 6, 3));
        int baseWidth = ResNetKeys.baseWidth(config, tiny ? 16 : 64);
        var settings = new ResNet3d.Settings(preset, blocks, baseWidth, 1, baseWidth,
                ResNetKeys.stemTemporalKernel(config), ResNetKeys.stemTemporalStride(config));
        ResNetKeys.checkInput(settings, input, config);
        return new ResNet3d(settings, false, input.classes());
    }
}
