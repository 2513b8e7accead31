package org.stfusion.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;

/** Presets, overrides and the errors of resnet3d, resnext3d and mobilenetv2: each names its key. */
class NewBackboneConfigTest {
    private static final InputSpec CLIP = new InputSpec(3, 16, 112, 112, 400);
    private static final InputSpec TINY_CLIP = new InputSpec(3, 4, 16, 16, 3);

    private static Backbone create(BackboneProvider provider, InputSpec input, Map<String, Object> values) {
        PluginConfig config = new PluginConfig("backbone", values);
        Backbone backbone = provider.create(config, input);
        config.rejectUnknownKeys();
        return backbone;
    }

    private static ConfigException failure(BackboneProvider provider, InputSpec input, Map<String, Object> values) {
        return assertThrows(ConfigException.class, () -> create(provider, input, values));
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }

    @Test
    void presetsGiveThePaperNetworksAndKeysOverrideThem() {
        Map<String, Object> resnet = create(new ResNet3dProvider(), CLIP, Map.of()).settings();
        assertEquals("resnet50", resnet.get("preset"));
        assertEquals(List.of(3, 4, 6, 3), resnet.get("blocks"));
        assertEquals(64, resnet.get("baseWidth"));
        assertEquals(5, resnet.get("stemTemporalKernel"));
        assertEquals(1, resnet.get("stemTemporalStride"));

        Map<String, Object> resnext = create(new ResNeXt3dProvider(), CLIP, Map.of()).settings();
        assertEquals("resnext50", resnext.get("preset"));
        assertEquals(32, resnext.get("groups"));
        assertEquals(4, resnext.get("widthPerGroup"));

        Map<String, Object> mobile = create(new MobileNet3dProvider(), CLIP, Map.of()).settings();
        assertEquals("mobilenetv2", mobile.get("preset"));
        assertEquals(List.of(1, 6, 6, 6, 6, 6, 6), mobile.get("expansions"));
        assertEquals(List.of(16, 24, 32, 64, 96, 160, 320), mobile.get("channels"));
        assertEquals(1280, mobile.get("lastChannels"));

        Map<String, Object> tiny = create(new ResNeXt3dProvider(), TINY_CLIP,
                Map.of("preset", "tiny", "blocks", List.of(1, 1), "groups", 2, "stemTemporalKernel", 1)).settings();
        assertEquals(List.of(1, 1), tiny.get("blocks"));
        assertEquals(2, tiny.get("groups"));
        assertEquals(16, tiny.get("baseWidth"));
        assertEquals(1, tiny.get("stemTemporalKernel"));
        assertEquals(List.of(1, 2, 2), create(new MobileNet3dProvider(), TINY_CLIP, Map.of("preset", "tiny")).settings()
                .get("strides"));
    }

    @Test
    void badValuesNameTheirKey() {
        assertEquals("backbone.stemTemporalKernel",
                failure(new ResNet3dProvider(), CLIP, Map.of("stemTemporalKernel", 4)).key());
        assertEquals("backbone.blocks", failure(new ResNet3dProvider(), CLIP, Map.of("blocks", List.of())).key());
        assertEquals("backbone.preset", failure(new ResNeXt3dProvider(), CLIP, Map.of("preset", "resnet50")).key());
        assertEquals("backbone.groups", failure(new ResNeXt3dProvider(), CLIP, Map.of("groups", 0)).key());
        // Strict: ResNet has no groups, so the key is unknown there.
        assertEquals("backbone.groups", failure(new ResNet3dProvider(), CLIP, Map.of("groups", 32)).key());
        assertEquals("backbone.stemTemporalKernel",
                failure(new MobileNet3dProvider(), CLIP, Map.of("stemTemporalKernel", 2)).key());
        assertEquals("backbone.strides[2]", failure(new MobileNet3dProvider(), CLIP,
                Map.of("strides", List.of(1, 2, 3, 2, 1, 2, 1))).key());
        ConfigException lengths = failure(new MobileNet3dProvider(), CLIP, Map.of("channels", List.of(16, 24)));
        assertEquals("backbone.channels", lengths.key());
        assertTrue(lengths.getMessage().contains("expected 7 entries"), lengths.getMessage());
        assertEquals("backbone.widthMultiplier",
                failure(new MobileNet3dProvider(), CLIP, Map.of("widthMultiplier", 0)).key());
    }

    @Test
    void anInputTooSmallForTheStagesNamesTheStageKey() {
        // ResNet-50 reduces H and W 32 times: 16x16 clips would put its last two stages on padding alone.
        ConfigException resnet = failure(new ResNet3dProvider(), TINY_CLIP, Map.of());
        assertEquals("backbone.blocks", resnet.key());
        assertTrue(resnet.getMessage().contains("too small"), resnet.getMessage());
        create(new ResNet3dProvider(), TINY_CLIP, Map.of("blocks", List.of(1, 1, 1)));
        assertEquals("backbone.stemTemporalStride",
                failure(new ResNet3dProvider(), TINY_CLIP, with(Map.of("preset", "tiny"), "stemTemporalStride", 8)).key());
        assertEquals("backbone.strides", failure(new MobileNet3dProvider(), TINY_CLIP, Map.of()).key());
        create(new MobileNet3dProvider(), TINY_CLIP, Map.of("preset", "tiny"));
    }

    @Test
    void mobileNetChannelsRoundLikeTorchvision() {
        assertEquals(32, MobileNet3d.roundChannels(32 * 1.0));
        assertEquals(16, MobileNet3d.roundChannels(32 * 0.5));
        assertEquals(8, MobileNet3d.roundChannels(16 * 0.35));
        assertEquals(40, MobileNet3d.roundChannels(35.9)); // 32 would be more than 10% below
        assertEquals(24, MobileNet3d.roundChannels(19.9));
        assertEquals(1280, MobileNet3d.roundChannels(1280 * Math.max(1.0, 0.75)));
        assertEquals(112, MobileNet3d.roundChannels(96 * 1.2));
    }
}
