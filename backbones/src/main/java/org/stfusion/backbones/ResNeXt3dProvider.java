package org.stfusion.backbones;

import java.util.List;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;

/**
 * {@code resnext3d}: 3D ResNeXt, the {@code resnet3d} network with grouped 1x3x3 bottleneck convs (paper Table 6).
 * Presets {@code resnext50} (32x4d: blocks 3-4-6-3, base width 64, 32 groups of width 4 in the first stage,
 * doubling per stage) and {@code tiny} (blocks 2-2-2, base width 16, 4 groups of 4); keys {@code blocks},
 * {@code baseWidth}, {@code groups}, {@code widthPerGroup}, {@code stemTemporalKernel} (5) and
 * {@code stemTemporalStride} (1) override the preset.
 */
public final class ResNeXt3dProvider implements BackboneProvider {
    public static final String NAME = "resnext3d";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "3D ResNeXt with fused bottlenecks and grouped 1x3x3 convs (presets: resnext50, tiny)";
    }

    @Override
    public List<String> presets() {
        return List.of("resnext50", "tiny");
    }

    @Override
    public Backbone create(PluginConfig config, InputSpec input) {
        String preset = config.getChoice("preset", "resnext50", presets().toArray(String[]::new));
        boolean tiny = preset.equals("tiny");
        List<Integer> blocks = ResNetKeys.blocks(config, tiny ? List.of(2, 2, 2) : List.of(3, 4, 6, 3));
        int baseWidth = ResNetKeys.baseWidth(config, tiny ? 16 : 64);
        int groups = config.getInt("groups", tiny ? 4 : 32, 1, 1024);
        int widthPerGroup = config.getInt("widthPerGroup", 4, 1, 4096);
        var settings = new ResNet3d.Settings(preset, blocks, baseWidth, groups, widthPerGroup,
                ResNetKeys.stemTemporalKernel(config), ResNetKeys.stemTemporalStride(config));
        ResNetKeys.checkInput(settings, input, config);
        return new ResNet3d(settings, true, input.classes());
    }
}
