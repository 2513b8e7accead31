package org.stfusion.core.network;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateInputs;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.GraphVariant;

/**
 * Runs one network on two engines and lists where they disagree: the relaxed training step (loss terms, logits,
 * the gradient of every trained array including the drop-rate logits θ, and the running statistics it leaves),
 * the warm-up step of the ungated all-paths network, evaluation with hard masks that drop some paths, and batch
 * statistics for recalibration. Used by the backbone conformance kit and the engine tests: the SameDiff engine
 * derives every gradient itself, so it checks the planned engine's hand-written ones.
 */
public final class EngineEquivalence {
    private EngineEquivalence() {
    }

    /**
     * {@code networks} builds the same network (same seed) on the engine it is given. Differences above
     * {@code tolerance}, relative to the larger magnitude of the two arrays (at least 1), are returned as lines.
     */
    public static List<String> compare(java.util.function.Function<Engine, TemplateNetwork> networks, Engine a, Engine b,
                                       int batch, double tolerance, long seed) {
        TemplateNetwork left = networks.apply(a);
        TemplateNetwork right = networks.apply(b);
        List<String> diffs = new ArrayList<>();
        Random r = new Random(seed);
        DataType dt = left.store().dataType();
        var in = left.input();
        INDArray clips = Nd4j.randn(r.nextLong(), new long[] {batch, in.channels(), in.frames(), in.height(), in.width()})
                .castTo(dt).addi(0.5);
        INDArray labels = Nd4j.zeros(dt, batch, in.classes());
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, r.nextInt(in.classes()), 1);
        }

        // Warm-up: the ungated all-paths network.
        BitSet all = new BitSet();
        all.set(0, left.paths().size());
        compareSteps("warm-up step", left.trainStep(left.fixedGraph(BnMode.BATCH, all), clips, labels, Map.of()),
                right.trainStep(right.fixedGraph(BnMode.BATCH, all), clips, labels, Map.of()), tolerance, diffs);
        compareStates("after the warm-up step", left, right, tolerance, diffs);

        // v-DropPath: relaxed gates with fixed noise.
        Map<String, INDArray> noise = noise(left, batch, r, dt);
        compareSteps("v-DropPath step", left.trainStep(left.template(), clips, labels, noise),
                right.trainStep(right.template(), clips, labels, noise), tolerance, diffs);
        compareStates("after the v-DropPath step", left, right, tolerance, diffs);
        double[] lossA = left.lossTerms(left.template(), clips, labels, noise);
        double[] lossB = right.lossTerms(right.template(), clips, labels, noise);
        for (int i = 0; i < 3; i++) {
            close("v-DropPath loss term " + i, lossA[i], lossB[i], tolerance, diffs);
        }

        // Hard masks: every path, and a strategy dropping about half of them (a dropped path is skipped).
        for (int trial = 0; trial < 2; trial++) {
            boolean[] keep = new boolean[left.gates().size()];
            for (int g = 0; g < keep.length; g++) {
                keep[g] = trial == 0 || r.nextBoolean();
            }
            boolean[] features = new boolean[left.template().classifierFeatures()];
            for (int f = 0; f < features.length; f++) {
                features[f] = trial == 0 || r.nextInt(4) > 0;
            }
            Map<String, INDArray> masks = left.hardMasks(keep, features);
            var hard = GraphVariant.template(GateMode.HARD, BnMode.RUNNING);
            close("logits with hard masks (trial " + trial + ")", left.logits(left.graph(hard), clips, masks),
                    right.logits(right.graph(hard), clips, masks), tolerance, diffs);
            var recalibration = GraphVariant.template(GateMode.HARD, BnMode.BATCH);
            var statsA = left.graph(recalibration).executor().batchStatistics(clips, masks);
            var statsB = right.graph(recalibration).executor().batchStatistics(clips, masks);
            if (trial == 0 && !statsA.keySet().equals(statsB.keySet())) {
                diffs.add("batch norms with statistics, every path kept: " + statsA.keySet() + " vs " + statsB.keySet());
            }
            for (var e : statsA.entrySet()) {
                if (!statsB.containsKey(e.getKey())) {
                    continue; // inside a dropped path, which an engine need not run
                }
                close("batch mean of " + e.getKey(), e.getValue()[0], statsB.get(e.getKey())[0], tolerance, diffs);
                close("batch variance of " + e.getKey(), e.getValue()[1], statsB.get(e.getKey())[1], tolerance, diffs);
            }
        }
        return diffs;
    }

    private static Map<String, INDArray> noise(TemplateNetwork net, int batch, Random r, DataType dt) {
        Supplier<Double> logistic = () -> {
            double u = 0.05 + 0.9 * r.nextDouble();
            return Math.log(u) - Math.log1p(-u);
        };
        INDArray paths = Nd4j.create(dt, batch, net.gates().size());
        INDArray features = Nd4j.create(dt, batch, net.template().classifierFeatures());
        for (INDArray a : List.of(paths, features)) {
            for (long i = 0; i < a.length(); i++) {
                a.putScalar(i, logistic.get());
            }
        }
        return Map.of(GateInputs.PATH_NOISE, paths, GateInputs.FC_NOISE, features);
    }

    private static void compareSteps(String what, GraphExecutor.Step a, GraphExecutor.Step b, double tolerance,
                                     List<String> diffs) {
        close(what + ": loss", a.loss(), b.loss(), tolerance, diffs);
        close(what + ": cross-entropy", a.crossEntropy(), b.crossEntropy(), tolerance, diffs);
        close(what + ": regulariser", a.regulariser(), b.regulariser(), tolerance, diffs);
        close(what + ": logits", a.logits(), b.logits(), tolerance, diffs);
        if (!a.gradients().keySet().equals(b.gradients().keySet())) {
            diffs.add(what + ": gradients of " + a.gradients().keySet() + " vs " + b.gradients().keySet());
            return;
        }
        for (var e : a.gradients().entrySet()) {
            close(what + ": gradient of " + e.getKey(), e.getValue(), b.gradients().get(e.getKey()), tolerance, diffs);
        }
    }

    private static void compareStates(String what, TemplateNetwork a, TemplateNetwork b, double tolerance,
                                      List<String> diffs) {
        for (var e : a.store().state().entrySet()) {
            close(what + ": " + e.getKey(), e.getValue(), b.store().state().get(e.getKey()), tolerance, diffs);
        }
    }

    private static void close(String what, INDArray a, INDArray b, double tolerance, List<String> diffs) {
        if (a.length() != b.length()) {
            diffs.add(what + ": " + a.length() + " vs " + b.length() + " values");
            return;
        }
        INDArray x = a.castTo(DataType.DOUBLE).reshape(-1);
        INDArray y = b.castTo(DataType.DOUBLE).reshape(-1);
        double scale = Math.max(1, Math.max(x.amaxNumber().doubleValue(), y.amaxNumber().doubleValue()));
        double diff = x.sub(y).amaxNumber().doubleValue();
        if (!(diff <= tolerance * scale)) {
            diffs.add(String.format("%s: differs by %.3g (largest magnitude %.3g)", what, diff, scale));
        }
    }

    private static void close(String what, double a, double b, double tolerance, List<String> diffs) {
        double scale = Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
        if (!(Math.abs(a - b) <= tolerance * scale)) {
            diffs.add(String.format("%s: %.9g vs %.9g", what, a, b));
        }
    }
}
