package org.stfusion.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.analysis.Marginals;
import org.stfusion.core.config.SamplingSettings;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.sample.StrategySampler;

/**
 * The optional gate layouts: the layer gate D1 on the 1x3x3 conv input, and drop rates per (path, source).
 * Micro DenseNet (F 8, g 4, blocks 2-2): the sources of each position's input are B1.L1 [8], B1.L2 [8, 4],
 * T1 [8, 4, 4], B2.L1 [8], B2.L2 [8, 4].
 */
class GateLayoutTest {
    private static final InputSpec MICRO = new InputSpec(3, 4, 16, 16, 3);
    private static final Map<String, List<Integer>> SOURCES = Map.of("B1.L1", List.of(8), "B1.L2", List.of(8, 4),
            "T1", List.of(8, 4, 4), "B2.L1", List.of(8), "B2.L2", List.of(8, 4));

    private static TemplateNetwork net(DataType dt, boolean d1, boolean perSource) {
        return new TemplateNetwork(TestNetworks.micro(MICRO), MICRO, TestNetworks.paths(),
                new VdpSettings(0.1, 0.2, 3.0, 50, VdpSettings.Regulariser.CODE, d1, perSource), dt, 11);
    }

    private static TemplateNetwork trained(boolean d1, boolean perSource) {
        var net = net(DataType.FLOAT, d1, perSource);
        for (int i = 0; i < 3; i++) {
            net.trainStep(net.template(), TestNetworks.clips(DataType.FLOAT, 4, MICRO, i), TestNetworks.oneHot(DataType.FLOAT, 4, 3, i),
                    TestNetworks.noise(DataType.FLOAT, net, 4, i));
        }
        return net;
    }

    private static boolean[] allKept(int n) {
        boolean[] keep = new boolean[n];
        Arrays.fill(keep, true);
        return keep;
    }

    private static INDArray hard(TemplateNetwork net, INDArray x, boolean[] keep) {
        return net.logits(net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), x,
                net.hardMasks(keep, allKept(net.template().classifierFeatures())));
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }

    @Test
    void layerGatesSitOnTheDenseLayersAndCoverTheirConv() {
        var net = net(DataType.FLOAT, true, false);
        assertEquals(10 + 4, net.gates().size());
        for (PositionInfo p : net.positions()) {
            boolean dense = p.name().contains(".L");
            assertEquals(dense, p.layerGate() >= 0, p.name());
            if (dense) {
                GateInfo g = net.gates().get(p.layerGate());
                assertTrue(g.layerGate());
                assertEquals(List.of(p.name() + ".conv.weight"), g.weightNames());
                assertTrue(g.macsPerClip() > 0);
            }
        }
    }

    @Test
    void droppingD1EqualsAFixedNetworkThatSkipsTheLayer() {
        var net = trained(true, false);
        INDArray x = TestNetworks.clips(DataType.FLOAT, 3, MICRO, 42);
        boolean[] keep = allKept(net.gates().size());
        PositionInfo b1l2 = net.positions().get(1);
        keep[b1l2.layerGate()] = false;
        INDArray dropped = hard(net, x, keep);
        FixedStrategy skip = new FixedStrategy() {
            @Override
            public BitSet paths(String position) {
                return TestNetworks.bits(0, 1);
            }

            @Override
            public boolean layerKept(String position) {
                return !position.equals("B1.L2");
            }
        };
        BuiltGraph fixed = net.fixedGraph(BnMode.RUNNING, skip);
        assertEquals(0, maxDiff(dropped, net.logits(fixed, x, Map.of())), 1e-5);
        assertTrue(maxDiff(dropped, hard(net, x, allKept(keep.length))) > 1e-4, "D1 must matter");
        assertTrue(!fixed.positions().get(1).layerKept() && fixed.positions().get(0).layerKept());
        assertEquals(List.of(StrategyDescriptor.SKIP), StrategySampler.units(net, keep).subList(1, 2));
        assertTrue(net.template().macsWith(keep) < net.template().macsWith(allKept(keep.length)));
    }

    @Test
    void perSourceGatesOnePerConcatenatedInput() {
        var net = net(DataType.FLOAT, false, true);
        assertEquals(2 * (1 + 2 + 3 + 1 + 2), net.gates().size());
        for (PositionInfo p : net.positions()) {
            int sources = SOURCES.get(p.name()).size();
            for (List<Integer> gates : p.pathGates()) {
                assertEquals(sources, gates.size(), p.name());
                for (int j = 0; j < sources; j++) {
                    assertEquals(sources == 1 ? GateInfo.WHOLE_INPUT : j, net.gates().get(gates.get(j)).source());
                }
            }
        }
    }

    @Test
    void droppingOneSourceEqualsAFixedPathThatIgnoresIt() {
        var net = trained(false, true);
        INDArray x = TestNetworks.clips(DataType.FLOAT, 3, MICRO, 43);
        boolean[] keep = allKept(net.gates().size());
        PositionInfo t1 = net.positions().get(2);
        keep[t1.pathGates().get(0).get(1)] = false; // T1's S path ignores the features of B1.L1
        INDArray dropped = hard(net, x, keep);
        FixedStrategy ignore = new FixedStrategy() {
            @Override
            public BitSet paths(String position) {
                return TestNetworks.bits(0, 1);
            }

            @Override
            public List<Integer> sources(String position, int path) {
                return position.equals("T1") && path == 0 ? List.of(0, 2) : null;
            }
        };
        BuiltGraph fixed = net.fixedGraph(BnMode.RUNNING, ignore);
        assertEquals(0, maxDiff(dropped, net.logits(fixed, x, Map.of())), 1e-5);
        assertTrue(maxDiff(dropped, hard(net, x, allKept(keep.length))) > 1e-5, "a source gate must matter");
        assertEquals(List.of(List.of(0, 2), List.of()), fixed.positions().get(2).pathSources());
        assertEquals(Map.of("T1", Map.of("S", List.of(0, 2))), StrategySampler.keptSources(net, keep));
    }

    @Test
    void regulariserOfBothLayoutsMatchesHandComputation() {
        DataType dt = DataType.DOUBLE;
        double k = 3.0;
        double n = 50;
        var net = net(dt, true, true);
        double expected = 0;
        int i = 0;
        for (GateInfo g : net.gates()) {
            double theta = -2 + 0.25 * i++;
            net.store().trainable().get(g.thetaName()).putScalar(0, theta);
            double p = 1 / (1 + Math.exp(-theta));
            INDArray w = net.store().trainable().get(g.weightNames().get(0));
            if (g.source() >= 0) {
                List<Integer> chunks = SOURCES.get(g.position());
                int offset = chunks.subList(0, g.source()).stream().mapToInt(Integer::intValue).sum();
                w = w.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.interval(offset, offset + chunks.get(g.source())), NDArrayIndex.all());
            }
            double sq = w.mul(w).sumNumber().doubleValue();
            expected += k / n * (1 - p) * sq + (p * Math.log(p) + (1 - p) * Math.log(1 - p)) / n;
        }
        double pf = 1 / (1 + Math.exp(-0.7));
        net.store().trainable().get(net.template().classifierTheta()).putScalar(0, 0.7);
        INDArray fc = net.store().trainable().get("head.fc.weight");
        int c = net.template().classifierFeatures();
        expected += k / n * (1 - pf) * fc.mul(fc).sumNumber().doubleValue() + c * (pf * Math.log(pf) + (1 - pf) * Math.log(1 - pf)) / n;
        double reg = net.lossTerms(net.template(), TestNetworks.clips(dt, 2, MICRO, 1), TestNetworks.oneHot(dt, 2, 3, 1),
                TestNetworks.noise(dt, net, 2, 1))[2];
        assertEquals(expected, reg, 1e-10 * Math.abs(expected));
    }

    @Test
    void gradientsReachD1AndSourceGatesAndMatchFiniteDifferences() {
        DataType dt = DataType.DOUBLE;
        var net = net(dt, true, true);
        INDArray x = TestNetworks.clips(dt, 4, MICRO, 5);
        INDArray y = TestNetworks.oneHot(dt, 4, 3, 5);
        Map<String, INDArray> noise = TestNetworks.noise(dt, net, 4, 6);
        var step = net.trainStep(net.template(), x, y, noise);
        List<String> thetas = new ArrayList<>();
        thetas.add(net.gates().get(net.positions().get(1).layerGate()).thetaName()); // D1 of B1.L2
        thetas.add(net.gates().get(net.positions().get(2).pathGates().get(1).get(2)).thetaName()); // T1, T path, source 2
        for (String theta : thetas) {
            INDArray param = net.store().trainable().get(theta);
            double analytic = step.gradients().get(theta).getDouble(0);
            double t0 = param.getDouble(0);
            param.putScalar(0, t0 + 1e-5);
            double up = net.lossTerms(net.template(), x, y, noise)[0];
            param.putScalar(0, t0 - 1e-5);
            double down = net.lossTerms(net.template(), x, y, noise)[0];
            param.putScalar(0, t0);
            double numeric = (up - down) / 2e-5;
            assertTrue(Math.abs(analytic) > 1e-9, theta + " gets no gradient");
            assertEquals(numeric, analytic, 1e-5 + 1e-4 * Math.abs(numeric), theta);
        }
    }

    @Test
    void samplingAndMarginalsWithD1AndSources() {
        var net = net(DataType.FLOAT, true, true);
        PositionInfo b1l1 = net.positions().get(0);
        // D1 of B1.L1 almost surely dropped: every sampled strategy skips that layer.
        net.store().trainable().get(net.gates().get(b1l1.layerGate()).thetaName()).putScalar(0, 30);
        var sampler = new StrategySampler(net, new SamplingSettings(20, 3, false, false, 8, 0, false, 0.5, 0));
        for (var d : sampler.drawAll()) {
            assertEquals(StrategyDescriptor.SKIP, StrategySampler.units(net, d.pathKeep()).get(0));
        }
        var marginals = Marginals.compute(net);
        for (var m : marginals) {
            double total = m.unitMarginals().values().stream().mapToDouble(Double::doubleValue).sum();
            double pS = m.drop().get("S");
            double pT = m.drop().get("ST");
            double none = (1 - Marginals.kept(pS)) * (1 - Marginals.kept(pT)) * (m.drop().containsKey("D1")
                    ? Marginals.kept(m.drop().get("D1")) : 1);
            assertEquals(1, total + none, 1e-9, m.name()); // the units, "skip" and "no path" cover every outcome
        }
        var t1 = marginals.get(2);
        assertEquals(t1.drop().get("S@0") * t1.drop().get("S@1") * t1.drop().get("S@2"), t1.drop().get("S"), 1e-12);
        assertEquals(1, marginals.get(0).unitMarginals().get(StrategyDescriptor.SKIP), 1e-6);
    }
}
