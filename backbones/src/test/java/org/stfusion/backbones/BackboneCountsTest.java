package org.stfusion.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.testkit.ShapeRecordingNetworkBuilder;

/**
 * Parameters and MACs of every backbone against published and independently computed counts. Parameters count
 * BN γ and β, not the running statistics; MACs are conv {@code output voxels * out * in/groups * kernel volume}
 * plus linear {@code in * out}. The shape recorder counts as the engine does (the conformance kit checks that).
 */
class BackboneCountsTest {
    private static final BitSet S = bits(0);
    private static final BitSet ST = bits(1);
    private static final BitSet S_ST = bits(0, 1);
    private static final List<BitSet> UNITS = List.of(S, ST, S_ST);

    private static BitSet bits(int... on) {
        BitSet b = new BitSet();
        for (int i : on) {
            b.set(i);
        }
        return b;
    }

    private static ShapeRecordingNetworkBuilder count(BackboneProvider provider, InputSpec in, Map<String, Object> settings,
                                                      BitSet unit) {
        return ShapeRecordingNetworkBuilder.record(provider.create(new PluginConfig("backbone", settings), in), in,
                BackboneConformanceTest.paths(), unit);
    }

    /**
     * The v1d3 template at the PyTorch peer's workloads: {@code tiny} (F 32, g 16, bn 4, blocks 3-3-3) S / ST /
     * S+ST 148,674 / 225,794 / 265,674 parameters at 8x64x64 and 10 classes; DenseNet-121 S+ST at 16x112x112 and
     * 174 classes 21,404,526 parameters (the paper's 21.4 M) and 30,538,315,776 MACs, 61 fusion positions.
     */
    @Test
    void densenetPresetsHaveThePeersCounts() {
        InputSpec tinyInput = new InputSpec(3, 8, 64, 64, 10);
        long[] params = {148_674, 225_794, 265_674};
        long[] macs = {301_384_600L, 370_164_632L, 404_554_648L};
        for (int u = 0; u < UNITS.size(); u++) {
            var tiny = count(new DenseNet3dProvider(), tinyInput, Map.of("preset", "tiny"), UNITS.get(u));
            assertEquals(params[u], tiny.parameters(), "tiny params " + UNITS.get(u));
            assertEquals(macs[u], tiny.macs(), "tiny MACs " + UNITS.get(u));
            assertEquals(11, tiny.positions().size());
        }
        var densenet121 = count(new DenseNet3dProvider(), new InputSpec(3, 16, 112, 112, 174),
                Map.of("preset", "densenet121"), S_ST);
        assertEquals(21_404_526, densenet121.parameters());
        assertEquals(30_538_315_776L, densenet121.macs());
        assertEquals(61, densenet121.positions().size());
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
        var resnet = count(new ResNet3dProvider(), in, flat, S);
        assertEquals(25_557_032, resnet.parameters());
        assertEquals(4_089_184_256L, resnet.macs());
        var resnext = count(new ResNeXt3dProvider(), in, flat, S);
        assertEquals(25_028_904, resnext.parameters());
        assertEquals(4_230_479_872L, resnext.macs());
        var mobile = count(new MobileNet3dProvider(), in, flat, S);
        assertEquals(3_504_872, mobile.parameters());
        assertEquals(300_774_272L, mobile.macs());
        assertEquals(16, mobile.positions().size()); // every inverted residual but the first (expansion 1)
    }

    /**
     * S, ST and S+ST at 16x112x112, 400 classes, stem temporal kernel 5, equal to an independent PyTorch
     * construction of the same networks (nn.Conv3d / BatchNorm3d / AvgPool3d / Linear assembled by hand after
     * the authors' code, models/resnet_3d.py and models/mobilenet_v2_3d.py; conv and linear MACs counted with
     * forward hooks in the convention above).
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

    private static void expect(long[] paramsAndMacs, ShapeRecordingNetworkBuilder counted, String what) {
        assertEquals(paramsAndMacs[0], counted.parameters(), "params of " + what);
        assertEquals(paramsAndMacs[1], counted.macs(), "MACs of " + what);
        assertEquals(16, counted.positions().size(), "fusion positions of " + what);
    }
}
