package org.stfusion.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.backbones.MobileNet3dProvider;
import org.stfusion.backbones.ResNeXt3dProvider;
import org.stfusion.backbones.ResNet3dProvider;

/**
 * Parameters and MACs of resnet3d, resnext3d and mobilenetv2. Parameters count BN γ and β, not the running
 * statistics; MACs are conv {@code output voxels * out * in/groups * kernel volume} plus linear {@code in * out}.
 */
class BackboneCountsTest {
    private static final List<BitSet> UNITS = List.of(Nets.bits(0), Nets.bits(1), Nets.bits(0, 1)); // S, ST, S+ST

    private static Backbone backbone(BackboneProvider provider, InputSpec in, Map<String, Object> settings) {
        return provider.create(new PluginConfig("backbone", settings), in);
    }

    private static CountingNetworkBuilder count(BackboneProvider provider, InputSpec in, Map<String, Object> settings,
                                                BitSet unit) {
        var counter = new CountingNetworkBuilder(Nets.paths(), unit);
        backbone(provider, in, settings).build(counter, new CountingNetworkBuilder.Shaped(in.clipShape()));
        return counter;
    }

    /**
     * With a 1-frame stem and the S unit everywhere the networks are the 2D ones with 1-frame kernels, so the
     * counts are torchvision's: ResNet-50 25,557,032 params / 4.09 GMACs, ResNeXt-50 32x4d 25,028,904 /
     * 4.23 GMACs, MobileNetV2 3,504,872 / 300.8 MMACs at 224x224 and 1000 classes. The downsampling shortcut
     * (avg-pool then 1x1x1 conv) costs what torchvision's strided 1x1 conv costs.
     */
    @Test
    void twoDimensionalCaseHasTorchvisionCounts() {
        InputSpec in = new InputSpec(3, 1, 224, 224, 1000);
        Map<String, Object> flat = Map.of("stemTemporalKernel", 1);
        var resnet = count(new ResNet3dProvider(), in, flat, Nets.bits(0));
        assertEquals(25_557_032, resnet.parameters());
        assertEquals(4_089_184_256L, resnet.macs());
        var resnext = count(new ResNeXt3dProvider(), in, flat, Nets.bits(0));
        assertEquals(25_028_904, resnext.parameters());
        assertEquals(4_230_479_872L, resnext.macs());
        // The engine itself for the smallest one (the others take seconds to allocate).
        var store = new ParameterStore(DataType.FLOAT, 1);
        BuiltGraph g = new SameDiffNetworkBuilder(store, GraphVariant.fixed(BnMode.RUNNING, FixedStrategy.of(p -> Nets.bits(0))),
                Nets.paths(), VdpSettings.defaults(1)).build(backbone(new MobileNet3dProvider(), in, flat), in.clipShape(), 1000);
        assertEquals(3_504_872, store.parameterCount());
        assertEquals(300_774_272L, g.macs());
        assertEquals(16, g.positions().size()); // every inverted residual but the first (expansion 1)
    }

    /**
     * S, ST and S+ST at 16x112x112, 400 classes, stem temporal kernel 5, equal to an independent PyTorch
     * construction of the same networks (nn.Conv3d / BatchNorm3d / AvgPool3d / Linear assembled by hand from
     * spec §6; conv and linear MACs counted with forward hooks in the convention above).
     */
    @Test
    void threeDimensionalUnitsMatchThePyTorchConstruction() {
        InputSpec in = new InputSpec(3, 16, 112, 112, 400);
        long[][] resnet = {{24_365_264, 19_102_662_656L}, {33_024_208, 26_855_833_600L}, {37_353_680, 30_732_419_072L}};
        long[][] resnext = {{23_837_136, 19_610_828_800L}, {41_155_024, 35_117_170_688L}, {49_813_968, 42_870_341_632L}};
        long[][] mobile = {{2_739_728, 1_468_381_184L}, {4_243_472, 2_561_718_272L}, {5_009_552, 3_108_386_816L}};
        for (int u = 0; u < UNITS.size(); u++) {
            expect(resnet[u], count(new ResNet3dProvider(), in, Map.of(), UNITS.get(u)), "resnet3d " + UNITS.get(u));
            expect(resnext[u], count(new ResNeXt3dProvider(), in, Map.of(), UNITS.get(u)), "resnext3d " + UNITS.get(u));
            expect(mobile[u], count(new MobileNet3dProvider(), in, Map.of(), UNITS.get(u)), "mobilenetv2 " + UNITS.get(u));
        }
    }

    private static void expect(long[] paramsAndMacs, CountingNetworkBuilder counted, String what) {
        assertEquals(paramsAndMacs[0], counted.parameters(), "params of " + what);
        assertEquals(paramsAndMacs[1], counted.macs(), "MACs of " + what);
        assertEquals(16, counted.positions(), "fusion positions of " + what);
    }

    /** The counting double and the SameDiff engine agree on every unit of the tiny presets. */
    @Test
    void theCountingDoubleAgreesWithTheEngine() {
        InputSpec in = new InputSpec(3, 4, 32, 32, 5);
        for (BackboneProvider provider : List.of(new ResNet3dProvider(), new ResNeXt3dProvider(), new MobileNet3dProvider())) {
            for (BitSet unit : UNITS) {
                Map<String, Object> tiny = Map.of("preset", "tiny");
                var store = new ParameterStore(DataType.FLOAT, 1);
                BuiltGraph g = new SameDiffNetworkBuilder(store, GraphVariant.fixed(BnMode.RUNNING, FixedStrategy.of(p -> unit)),
                        Nets.paths(), VdpSettings.defaults(1)).build(backbone(provider, in, tiny), in.clipShape(), 5);
                var counted = count(provider, in, tiny, unit);
                assertEquals(store.parameterCount(), counted.parameters(), provider.name() + " params " + unit);
                assertEquals(g.macs(), counted.macs(), provider.name() + " MACs " + unit);
                assertEquals(g.positions().size(), counted.positions(), provider.name() + " positions");
            }
        }
    }
}
