package org.stfusion.core.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;
import org.stfusion.core.engine.DenseFixture;
import org.stfusion.core.engine.VdpSettings;

/**
 * The planned engine computes what the SameDiff reference computes: forward outputs, loss terms, every gradient
 * including the drop-rate logits, running statistics, hard-mask evaluation with skipped paths, recalibration
 * statistics. Near-exact in double precision, within float rounding in float.
 */
class EngineEquivalenceTest {
    private static final InputSpec IN = new InputSpec(3, 4, 16, 16, 3);

    /**
     * Every op kind and fusion form outside the DenseNet layout: a max-pooled stem, a fusion position of
     * {@code form} with a residual sum, a grouped and a depthwise 1x3x3 convolution, ReLU6, a concatenation of two
     * branches that both stay in use, average pooling.
     */
    private record Mixed(FusionForm form) implements Backbone {
        @Override
        public Tensor build(NetworkBuilder b, Tensor x) {
            Tensor h = b.batchNormRelu("stem.bn", b.conv3d("stem.conv", x, 8, Kernel3.of(3, 3, 3), Kernel3.of(1, 2, 2),
                    Kernel3.cube(1)));
            h = b.maxPool3d(h, Kernel3.of(1, 3, 3), Kernel3.of(1, 2, 2), Kernel3.of(0, 1, 1));
            Tensor input = form == FusionForm.ACTIVATED_INPUT ? h : h;
            Tensor fused = b.fusion("P1", input, 8, form);
            Tensor grouped = b.conv3d("grouped", b.batchNormRelu("P1.bn", fused), 8, Kernel3.of(1, 3, 3), Kernel3.cube(1),
                    Kernel3.of(0, 1, 1), 2);
            Tensor residual = b.relu(b.add(b.batchNorm("grouped.bn", grouped), h));
            Tensor depthwise = b.relu6(b.batchNorm("dw.bn", b.conv3d("dw", residual, 8, Kernel3.of(1, 3, 3),
                    Kernel3.cube(1), Kernel3.of(0, 1, 1), 8)));
            Tensor both = b.concat(List.of(residual, depthwise));
            Tensor pooled = b.avgPool3d(both, Kernel3.of(1, 2, 2), Kernel3.of(1, 2, 2), Kernel3.cube(0));
            Tensor second = b.fusion("P2", b.batchNormRelu("P2.in", pooled), 6, form);
            return b.classifier("head.fc", b.globalAvgPool(b.batchNormRelu("head.bn", b.concat(List.of(pooled, second)))), 3);
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of();
        }
    }

    private static void assertEquivalent(Function<Engine, TemplateNetwork> networks, double tolerance) {
        List<String> diffs = EngineEquivalence.compare(networks, Engine.SAMEDIFF, Engine.PLANNED, 3, tolerance, 7);
        assertEquals(List.of(), diffs);
    }

    private static Function<Engine, TemplateNetwork> dense(DataType dt, VdpSettings vdp) {
        return engine -> new TemplateNetwork(new DenseFixture(8, 4, 2, List.of(2, 2), IN.classes()), IN,
                DenseFixture.paths(), vdp, dt, 11, engine);
    }

    @Test
    void denseTemplateInDouble() {
        assertEquivalent(dense(DataType.DOUBLE, new VdpSettings(0.1, 0.2, 3.0, 50)), 1e-9);
    }

    @Test
    void denseTemplateInFloat() {
        assertEquivalent(dense(DataType.FLOAT, new VdpSettings(0.1, 0.2, 3.0, 50)), 2e-4);
    }

    @Test
    void denseTemplateWithLayerGatesSourceGatesAndThePaperRegulariser() {
        assertEquivalent(dense(DataType.DOUBLE, new VdpSettings(0.3, 0.5, 3.0, 50, VdpSettings.Regulariser.PAPER, true,
                true)), 1e-9);
    }

    @Test
    void everyFusionFormAndOpKind() {
        for (FusionForm form : FusionForm.values()) {
            assertEquivalent(engine -> new TemplateNetwork(new Mixed(form), IN, DenseFixture.paths(),
                    new VdpSettings(0.2, 0.3, 2.0, 40), DataType.DOUBLE, 3, engine), 1e-9);
        }
    }

    /**
     * Scoring strategies the fast way (dropped paths skipped, the ungated stem computed once per batch and reused)
     * gives the logits of running every path and multiplying the dropped ones by zero.
     */
    @Test
    void skippingDroppedPathsAndSharingTheStemChangeNoLogit() {
        for (Backbone backbone : backbones()) {
            var net = trained(backbone);
            var r = new java.util.Random(3);
            var hard = net.graph(org.stfusion.core.engine.GraphVariant.template(org.stfusion.core.engine.GateMode.HARD,
                    org.stfusion.core.engine.BnMode.RUNNING));
            var planned = (org.stfusion.core.engine.planned.PlannedExecutor) hard.executor();
            List<org.nd4j.linalg.api.ndarray.INDArray> batches = List.of(
                    org.nd4j.linalg.factory.Nd4j.randn(10, new long[] {3, 3, 4, 16, 16}).castTo(DataType.FLOAT),
                    org.nd4j.linalg.factory.Nd4j.randn(11, new long[] {2, 3, 4, 16, 16}).castTo(DataType.FLOAT));
            for (int s = 0; s < 6; s++) {
                boolean[] keep = new boolean[net.gates().size()];
                for (int g = 0; g < keep.length; g++) {
                    keep[g] = r.nextInt(3) > 0;
                }
                boolean[] features = new boolean[net.template().classifierFeatures()];
                java.util.Arrays.fill(features, true);
                var masks = net.hardMasks(keep, features);
                for (var clips : batches) {
                    planned.skipDroppedPaths(false);
                    var reference = hard.executor().logits(clips, masks);
                    planned.skipDroppedPaths(true);
                    try (var shared = hard.executor().shareUngatedPrefix(1L << 30)) {
                        long reuses = planned.prefixReuses();
                        var first = hard.executor().logits(clips, masks);
                        var again = hard.executor().logits(clips, masks);
                        assertEquals(reuses + 1, planned.prefixReuses(), "the second pass restores the stem");
                        assertEquals(0, reference.sub(first).amaxNumber().doubleValue(), 1e-6, backbone + " strategy " + s);
                        assertEquals(0, reference.sub(again).amaxNumber().doubleValue(), 1e-6, backbone + " reused " + s);
                    }
                }
            }
        }
    }

    /**
     * Strategies scored one after another on the same batch, each pass resuming at the deepest fusion-position
     * boundary it shares with the previous ones, give the logits of running every path of each; so do statistics
     * recalibrated for all of them together, and passes after the statistics changed (nothing stale is reused).
     */
    @Test
    void passesSharingTheirPrefixesChangeNoLogitAndNoStatistic() {
        for (Backbone backbone : backbones()) {
            var net = trained(backbone);
            var hard = net.graph(org.stfusion.core.engine.GraphVariant.template(org.stfusion.core.engine.GateMode.HARD,
                    org.stfusion.core.engine.BnMode.RUNNING));
            var planned = (org.stfusion.core.engine.planned.PlannedExecutor) hard.executor();
            var r = new java.util.Random(5);
            List<Map<String, org.nd4j.linalg.api.ndarray.INDArray>> strategies = new java.util.ArrayList<>();
            List<boolean[]> keeps = new java.util.ArrayList<>();
            for (int s = 0; s < 10; s++) {
                boolean[] keep = new boolean[net.gates().size()];
                for (int g = 0; g < keep.length; g++) {
                    keep[g] = r.nextInt(3) > 0 || g >= 2 && s % 2 == 1; // pairs that share long prefixes too
                }
                keeps.add(keep);
            }
            keeps.sort(java.util.Arrays::compare);
            boolean[] features = new boolean[net.template().classifierFeatures()];
            java.util.Arrays.fill(features, true);
            keeps.forEach(k -> strategies.add(net.hardMasks(k, features)));
            var clips = org.nd4j.linalg.factory.Nd4j.randn(12, new long[] {3, 3, 4, 16, 16}).castTo(DataType.FLOAT);

            List<org.nd4j.linalg.api.ndarray.INDArray> reference = new java.util.ArrayList<>();
            planned.skipDroppedPaths(false);
            strategies.forEach(m -> reference.add(hard.executor().logits(clips, m)));
            planned.skipDroppedPaths(true);
            try (var shared = hard.executor().shareBetweenStrategies(1L << 30);
                 var stem = hard.executor().shareUngatedPrefix(1L << 30)) {
                long before = planned.boundaryReuses();
                for (int round = 0; round < 2; round++) {
                    for (int s = 0; s < strategies.size(); s++) {
                        var logits = hard.executor().logits(clips, strategies.get(s));
                        assertEquals(0, reference.get(s).sub(logits).amaxNumber().doubleValue(), 1e-6, backbone + " " + s);
                    }
                }
                assertEquals(2 * strategies.size() - 1, planned.boundaryReuses() - before,
                        backbone + ": every pass but the first resumes at a kept boundary");

            }
            // The stem kept by one strategy serves the others, even those that run a path the first one dropped.
            try (var stem = hard.executor().shareUngatedPrefix(1L << 30)) {
                for (int s = 0; s < strategies.size(); s++) { // the first drops the first path
                    var logits = hard.executor().logits(clips, strategies.get(s));
                    assertEquals(0, reference.get(s).sub(logits).amaxNumber().doubleValue(), 1e-6, backbone + " stem " + s);
                }
            }
            // Other statistics: a pass must not take values normalised with the old ones.
            var old = net.runningStatistics();
            var changed = new java.util.HashMap<String, org.nd4j.linalg.api.ndarray.INDArray>();
            old.forEach((name, v) -> changed.put(name, name.endsWith("Var") ? v.mul(1.5) : v.add(0.1)));
            org.nd4j.linalg.api.ndarray.INDArray sharedLogits;
            try (var shared = hard.executor().shareBetweenStrategies(1L << 30)) {
                hard.executor().logits(clips, strategies.get(0));
                net.restoreStatistics(changed);
                sharedLogits = hard.executor().logits(clips, strategies.get(0));
            }
            var fresh = hard.executor().logits(clips, strategies.get(0));
            net.restoreStatistics(old);
            assertEquals(0, fresh.sub(sharedLogits).amaxNumber().doubleValue(), 1e-6, backbone + " after a change");
            assertTrue(fresh.sub(reference.get(0)).amaxNumber().doubleValue() > 1e-4, "the change matters");

            List<org.nd4j.linalg.api.ndarray.INDArray> batches = List.of(clips,
                    org.nd4j.linalg.factory.Nd4j.randn(13, new long[] {2, 3, 4, 16, 16}).castTo(DataType.FLOAT));
            var together = net.recalibrated(batches, strategies);
            for (int s = 0; s < strategies.size(); s++) {
                var template = net.recalibrate(batches.iterator(), strategies.get(s));
                var alone = net.runningStatistics();
                net.restoreStatistics(template);
                assertEquals(together.get(s).keySet(), template.keySet(), "the batch norms each strategy runs");
                for (var e : together.get(s).entrySet()) {
                    assertEquals(0, alone.get(e.getKey()).sub(e.getValue()).amaxNumber().doubleValue(), 1e-6,
                            backbone + " " + s + " " + e.getKey());
                }
            }
        }
    }

    private static List<Backbone> backbones() {
        List<Backbone> all = new java.util.ArrayList<>(List.of(new DenseFixture(8, 4, 2, List.of(2, 2), IN.classes())));
        for (FusionForm form : FusionForm.values()) {
            all.add(new Mixed(form));
        }
        return all;
    }

    /** A float template after two training steps, so that its running statistics are not the initial ones. */
    private static TemplateNetwork trained(Backbone backbone) {
        var net = new TemplateNetwork(backbone, IN, DenseFixture.paths(), new VdpSettings(0.2, 0.3, 2.0, 40),
                DataType.FLOAT, 5, Engine.PLANNED);
        for (int step = 0; step < 2; step++) {
            var clips = org.nd4j.linalg.factory.Nd4j.randn(step, new long[] {4, 3, 4, 16, 16}).castTo(DataType.FLOAT);
            var labels = org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 4, 3);
            for (int i = 0; i < 4; i++) {
                labels.putScalar(i, i % 3, 1);
            }
            net.trainStep(net.fixedGraph(org.stfusion.core.engine.BnMode.BATCH, all(net)), clips, labels, Map.of());
        }
        return net;
    }

    private static java.util.BitSet all(TemplateNetwork net) {
        java.util.BitSet bits = new java.util.BitSet();
        bits.set(0, net.paths().size());
        return bits;
    }
}
