package org.stfusion.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.fusionunits.SpatialPathProvider;
import org.stfusion.fusionunits.TemporalPathProvider;
import org.stfusion.testkit.BackboneConformance;

/** Every built-in backbone passes the conformance kit on a tiny clip. */
class BackboneConformanceTest {
    private static final InputSpec TINY = new InputSpec(3, 4, 16, 16, 3);

    static List<FusionPath> paths() {
        return List.of(new SpatialPathProvider().create(PluginConfig.empty("fusion.spatial")),
                new TemporalPathProvider().create(PluginConfig.empty("fusion.temporal")));
    }

    @Test
    void densenet3dConforms() {
        var report = BackboneConformance.verify(new DenseNet3dProvider(),
                Map.of("initFeatures", 8, "growth", 4, "bnSize", 2, "blocks", List.of(2, 2)), TINY, paths());
        assertEquals(5, report.positions());
        assertEquals(10, report.gates());
    }

    /** The ResNets' tiny preset with one block per stage: still a width-changing and a strided, pooled shortcut. */
    private static final Map<String, Object> TINY_RESNET = Map.of("preset", "tiny", "blocks", List.of(1, 1, 1));

    @Test
    void resnet3dConforms() {
        var report = BackboneConformance.verify(new ResNet3dProvider(), TINY_RESNET, TINY, paths());
        assertEquals(3, report.positions());
        assertEquals(6, report.gates());
    }

    @Test
    void resnext3dConforms() {
        var report = BackboneConformance.verify(new ResNeXt3dProvider(), TINY_RESNET, TINY, paths());
        assertEquals(3, report.positions());
    }

    @Test
    void mobilenetv2Conforms() {
        var report = BackboneConformance.verify(new MobileNet3dProvider(), Map.of("preset", "tiny"), TINY, paths());
        assertEquals(4, report.positions());
    }
}
