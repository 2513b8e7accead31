package org.stfusion.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.engine.GraphRecorder;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.network.TemplateNetwork;

class TemplateNetworkTest {
    private static final InputSpec MICRO = new InputSpec(3, 4, 16, 16, 3);

    /** The v1d3 layout of the peer's {@code tiny} workload: F 32, g 16, bn 4, blocks (3,3,3). */
    private static DenseFixture tiny(InputSpec in) {
        return new DenseFixture(32, 16, 4, List.of(3, 3, 3), in.classes());
    }

    /** The bench workload {@code tiny} at 8x64x64, 10 classes: the PyTorch peer's exact parameter and MAC counts. */
    @Test
    void tinyWorkloadMatchesPeerCounts() {
        InputSpec in = new InputSpec(3, 8, 64, 64, 10);
        var net = new TemplateNetwork(tiny(in), in, TestNetworks.paths(),
                VdpSettings.defaults(1000), DataType.FLOAT, 1);
        assertEquals(265_697, net.store().parameterCount());
        assertEquals(404_554_648L, net.template().macs());
        assertEquals(22, net.gates().size());
        assertEquals(11, net.positions().size());
        long[] expected = {148_674, 225_794, 265_674};
        double[] gmacs = {0.301385, 0.370165, 0.404555};
        List<java.util.BitSet> units = List.of(TestNetworks.bits(0), TestNetworks.bits(1), TestNetworks.bits(0, 1));
        for (int u = 0; u < 3; u++) {
            var store = new ParameterStore(DataType.FLOAT, 1);
            var fixed = units.get(u);
            NetworkGraph g = new GraphRecorder(store, GraphVariant.fixed(BnMode.BATCH, p -> fixed), TestNetworks.paths(),
                    VdpSettings.defaults(1000)).record(tiny(in), in.clipShape(), 10);
            assertEquals(expected[u], store.parameterCount(), "params of fixed unit " + fixed);
            assertEquals(gmacs[u], g.macs() / 1e9, 6e-7, "GMACs of fixed unit " + fixed);
        }
    }

    /** A pooling window that could hold only padding is refused where the backbone declares it, naming the numbers. */
    @Test
    void poolingPaddingAsLargeAsItsKernelIsRefused() {
        org.stfusion.api.model.Backbone pooled = new org.stfusion.api.model.Backbone() {
            @Override
            public org.stfusion.api.model.Tensor build(org.stfusion.api.model.NetworkBuilder b,
                                                       org.stfusion.api.model.Tensor x) {
                return b.maxPool3d(x, new org.stfusion.api.model.Kernel3(1, 2, 2),
                        new org.stfusion.api.model.Kernel3(1, 2, 2), new org.stfusion.api.model.Kernel3(0, 2, 1));
            }

            @Override
            public Map<String, Object> settings() {
                return Map.of();
            }
        };
        InputSpec in = new InputSpec(3, 4, 8, 8, 2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                new GraphRecorder(new ParameterStore(DataType.FLOAT, 1), GraphVariant.fixed(BnMode.BATCH,
                        p -> TestNetworks.bits(0)), TestNetworks.paths(), VdpSettings.defaults(10))
                        .record(pooled, in.clipShape(), 2));
        assertTrue(e.getMessage().contains("max pool: padding") && e.getMessage().contains("smaller than the kernel"),
                e.getMessage());
    }

    /** DenseNet-121, S+ST at 174 classes = 21,404,526 parameters (paper Table 1: 21.4M); paper MACs. */
    @Test
    void densenet121MatchesPaperCounts() {
        InputSpec in = new InputSpec(3, 16, 112, 112, 174);
        var store = new ParameterStore(DataType.FLOAT, 1);
        NetworkGraph g = new GraphRecorder(store, GraphVariant.fixed(BnMode.RUNNING, p -> TestNetworks.bits(0, 1)),
                TestNetworks.paths(), VdpSettings.defaults(1000)).record(new DenseFixture(64, 32, 4, List.of(6, 12, 24, 16), 174),
                in.clipShape(), 174);
        assertEquals(21_404_526, store.parameterCount());
        assertEquals(30_538_315_776L, g.macs());
        assertEquals(61, g.positions().size());
    }

    @Test
    void allGatesOpenEqualsFixedSPlusSTNetwork() {
        var net = TestNetworks.microTemplate(DataType.FLOAT, MICRO);
        // Give the running statistics non-trivial values first.
        for (int i = 0; i < 3; i++) {
            net.trainStep(net.template(), TestNetworks.clips(DataType.FLOAT, 4, MICRO, i), TestNetworks.oneHot(DataType.FLOAT, 4, 3, i),
                    TestNetworks.noise(DataType.FLOAT, net, 4, i));
        }
        INDArray x = TestNetworks.clips(DataType.FLOAT, 3, MICRO, 99);
        boolean[] all = new boolean[net.gates().size()];
        Arrays.fill(all, true);
        boolean[] features = new boolean[net.template().classifierFeatures()];
        Arrays.fill(features, true);
        INDArray gated = net.logits(net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), x,
                net.hardMasks(all, features));
        INDArray fixed = net.logits(net.fixedGraph(BnMode.RUNNING, TestNetworks.bits(0, 1)), x, Map.of());
        assertEquals(0, Transforms.abs(gated.sub(fixed)).maxNumber().doubleValue(), 1e-5);
        assertTrue(fixed.norm2Number().doubleValue() > 0);

        // Dropping every T path equals the fixed all-S network (bias-free convs: a dropped path adds exactly 0).
        boolean[] onlyS = new boolean[all.length];
        for (GateInfo g : net.gates()) {
            onlyS[g.index()] = g.unitName().equals("S");
        }
        INDArray sOnly = net.logits(net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), x,
                net.hardMasks(onlyS, features));
        INDArray fixedS = net.logits(net.fixedGraph(BnMode.RUNNING, TestNetworks.bits(0)), x, Map.of());
        assertEquals(0, Transforms.abs(sOnly.sub(fixedS)).maxNumber().doubleValue(), 1e-5);
        assertTrue(Transforms.abs(sOnly.sub(gated)).maxNumber().doubleValue() > 1e-4, "masks must matter");
    }

    /** Precise BN for a strategy replaces the running statistics (and nothing else) until restored. */
    @Test
    void bnRecalibrationChangesRunningStatisticsOnlyAndIsRestored() {
        var net = TestNetworks.microTemplate(DataType.FLOAT, MICRO);
        for (int i = 0; i < 2; i++) {
            net.trainStep(net.template(), TestNetworks.clips(DataType.FLOAT, 4, MICRO, i), TestNetworks.oneHot(DataType.FLOAT, 4, 3, i),
                    TestNetworks.noise(DataType.FLOAT, net, 4, i));
        }
        Map<String, INDArray> weights = copy(net.store().trainable());
        Map<String, INDArray> stats = copy(net.store().state());
        boolean[] onlyS = new boolean[net.gates().size()];
        for (GateInfo g : net.gates()) {
            onlyS[g.index()] = g.unitName().equals("S");
        }
        boolean[] features = new boolean[net.template().classifierFeatures()];
        Arrays.fill(features, true);
        var previous = net.recalibrate(List.of(TestNetworks.clips(DataType.FLOAT, 4, MICRO, 7),
                TestNetworks.clips(DataType.FLOAT, 4, MICRO, 8)).iterator(), net.hardMasks(onlyS, features));
        // The batch norms inside the dropped ST paths do not run, so they keep the template's statistics.
        java.util.Set<String> running = new java.util.HashSet<>(stats.keySet());
        running.removeIf(n -> n.contains(".ST."));
        assertTrue(running.size() < stats.size() && running.contains("T1.S.bn.runningMean"), running.toString());
        assertEquals(running, previous.keySet());
        weights.forEach((name, w) -> assertEquals(w, net.store().trainable().get(name), name + " must not change"));
        for (String n : stats.keySet()) {
            assertEquals(running.contains(n), !stats.get(n).equals(net.store().state().get(n)),
                    n + (running.contains(n) ? " is re-estimated" : " is kept"));
        }
        net.restoreStatistics(previous);
        stats.forEach((name, v) -> assertEquals(v, net.store().state().get(name), name + " restored"));
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new java.util.HashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    @Test
    void runningStatisticsFollowBatchStatistics() {
        var net = TestNetworks.microTemplate(DataType.FLOAT, MICRO);
        INDArray before = net.store().state().get("stem.bn.runningMean").dup();
        net.trainStep(net.template(), TestNetworks.clips(DataType.FLOAT, 4, MICRO, 1).addi(3), TestNetworks.oneHot(DataType.FLOAT, 4, 3, 1),
                TestNetworks.noise(DataType.FLOAT, net, 4, 1));
        INDArray after = net.store().state().get("stem.bn.runningMean");
        assertTrue(Transforms.abs(after.sub(before)).maxNumber().doubleValue() > 1e-4);
    }

    /** Finite differences in double precision: d loss / d θ for every gate, through masks and regulariser. */
    @Test
    void gradientsReachEveryDropRateAndMatchFiniteDifferences() {
        DataType dt = DataType.DOUBLE;
        var net = TestNetworks.microTemplate(dt, MICRO);
        INDArray x = TestNetworks.clips(dt, 4, MICRO, 5);
        INDArray y = TestNetworks.oneHot(dt, 4, 3, 5);
        Map<String, INDArray> noise = TestNetworks.noise(dt, net, 4, 6);
        var step = net.trainStep(net.template(), x, y, noise);
        List<String> thetas = new java.util.ArrayList<>(net.gates().stream().map(GateInfo::thetaName).toList());
        thetas.add(net.template().classifierTheta());
        assertEquals(11, thetas.size());
        for (String theta : thetas) {
            INDArray param = net.store().trainable().get(theta);
            double analytic = step.gradients().get(theta).getDouble(0);
            double h = 1e-5;
            double t0 = param.getDouble(0);
            param.putScalar(0, t0 + h);
            double up = net.lossTerms(net.template(), x, y, noise)[0];
            param.putScalar(0, t0 - h);
            double down = net.lossTerms(net.template(), x, y, noise)[0];
            param.putScalar(0, t0);
            double numeric = (up - down) / (2 * h);
            assertTrue(Math.abs(analytic) > 1e-9, theta + " gets no gradient");
            assertEquals(numeric, analytic, 1e-5 + 1e-4 * Math.abs(numeric), theta);
        }
        // A conv weight too (through batch norm, which is written out by hand).
        INDArray w = net.store().trainable().get("B1.L1.ST.conv.weight");
        double analytic = step.gradients().get("B1.L1.ST.conv.weight").getDouble(3);
        double w0 = w.getDouble(3);
        w.putScalar(3, w0 + 1e-5);
        double up = net.lossTerms(net.template(), x, y, noise)[0];
        w.putScalar(3, w0 - 1e-5);
        double down = net.lossTerms(net.template(), x, y, noise)[0];
        w.putScalar(3, w0);
        assertEquals((up - down) / 2e-5, analytic, 1e-6 + 1e-4 * Math.abs(analytic));
    }

    @Test
    void regulariserMatchesHandComputationInBothForms() {
        for (VdpSettings.Regulariser form : VdpSettings.Regulariser.values()) {
            DataType dt = DataType.DOUBLE;
            double k = 3.0;
            double n = 50;
            var net = new TemplateNetwork(TestNetworks.micro(MICRO), MICRO, TestNetworks.paths(),
                    new VdpSettings(0.1, 0.2, k, (long) n, form), dt, 11);
            boolean code = form == VdpSettings.Regulariser.CODE;
            double expected = 0;
            int i = 0;
            for (GateInfo g : net.gates()) {
                double theta = -2 + 0.5 * i++;
                net.store().trainable().get(g.thetaName()).putScalar(0, theta);
                double sq = 0;
                for (String wn : g.weightNames()) {
                    INDArray w = net.store().trainable().get(wn);
                    sq += w.mul(w).sumNumber().doubleValue();
                }
                expected += handTerm(code, k, n, 1 / (1 + Math.exp(-theta)), sq, 1);
            }
            net.store().trainable().get(net.template().classifierTheta()).putScalar(0, 0.7);
            INDArray fc = net.store().trainable().get("head.fc.weight");
            expected += handTerm(code, k, n, 1 / (1 + Math.exp(-0.7)), fc.mul(fc).sumNumber().doubleValue(),
                    net.template().classifierFeatures());
            double reg = net.lossTerms(net.template(), TestNetworks.clips(dt, 2, MICRO, 1), TestNetworks.oneHot(dt, 2, 3, 1),
                    TestNetworks.noise(dt, net, 2, 1))[2];
            assertEquals(expected, reg, 1e-10 * Math.abs(expected) + 1e-12, form.name());
        }
    }

    /** The regulariser of paper Eq. 5 and of the authors' code (NAS_utils/ops.py), written out by hand. */
    private static double handTerm(boolean code, double k, double n, double p, double sq, int c) {
        if (code) {
            return k / n * (1 - p) * sq + c * (p * Math.log(p) + (1 - p) * Math.log(1 - p)) / n;
        }
        return k * k * (1 - p) / (2 * n) * sq + c * p * Math.log(p) / n;
    }
}
