package org.stfusion.example.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.testkit.BackboneConformance;
import org.stfusion.testkit.ShapeRecordingNetworkBuilder;

/** The plugin as its author tests it: found by ServiceLoader, shaped as intended, and conforming to the kit. */
class TinyC3dProviderTest {
    private static final InputSpec INPUT = new InputSpec(3, 8, 32, 32, 4);

    private static BackboneProvider provider() {
        return ServiceLoader.load(BackboneProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("tiny-c3d")).findFirst().orElseThrow();
    }

    /** The spatial and temporal paths that come with stfusion. */
    private static List<FusionPath> paths() {
        return ServiceLoader.load(FusionUnitProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> List.of("spatial", "temporal").contains(p.name()))
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .map(p -> p.create(PluginConfig.empty("fusion." + p.name()))).toList();
    }

    @Test
    void declaresFusionPositionsF1AndF2() {
        BitSet both = new BitSet();
        both.set(0, 2);
        var shapes = ShapeRecordingNetworkBuilder.record(provider().create(new PluginConfig("backbone", Map.of("width", 8)),
                INPUT), INPUT, paths(), both);
        assertEquals(List.of("F1", "F2"), shapes.positions().stream().map(ShapeRecordingNetworkBuilder.Position::name).toList());
        assertEquals(16, shapes.positions().get(1).outChannels());
    }

    @Test
    void conformsToTheBackboneKit() {
        var report = BackboneConformance.verify(provider(), Map.of("width", 8), new InputSpec(3, 4, 16, 16, 3), paths());
        assertEquals(2, report.positions());
    }

    @Test
    void widthIsChecked() {
        var e = assertThrows(ConfigException.class,
                () -> new TinyC3dProvider().create(new PluginConfig("backbone", Map.of("width", 0)), INPUT));
        assertEquals("backbone.width", e.key());
    }
}
