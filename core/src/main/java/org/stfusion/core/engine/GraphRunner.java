package org.stfusion.core.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs built graphs: a training step (with running-statistics update), loss terms, logits. */
public final class GraphRunner {
    private static final double BN_MOMENTUM = 0.1;

    private GraphRunner() {
    }

    /** Outputs of one training step: loss terms, logits, and the gradients of every trained array. */
    public record Step(double loss, double crossEntropy, double regulariser, INDArray logits,
                       Map<String, INDArray> gradients) {
    }

    /**
     * Forward and backward on one batch of {@code graph} (a BATCH-norm graph), then folds the batch
     * statistics into the running statistics in {@code store}. {@code gateInputs} are the noise placeholders
     * of a RELAXED graph.
     */
    public static Step trainStep(BuiltGraph graph, ParameterStore store, INDArray clips, INDArray oneHot,
                                 Map<String, INDArray> gateInputs) {
        if (!graph.hasLoss()) {
            throw new IllegalArgumentException("graph has no loss (evaluation graph)");
        }
        Map<String, INDArray> ph = new HashMap<>(gateInputs);
        ph.put(SameDiffNetworkBuilder.INPUT, clips);
        ph.put(SameDiffNetworkBuilder.LABELS, oneHot);
        List<String> outputs = new ArrayList<>(List.of(SameDiffNetworkBuilder.LOSS, SameDiffNetworkBuilder.CE,
                SameDiffNetworkBuilder.REG, SameDiffNetworkBuilder.LOGITS));
        for (String bn : graph.batchNorms()) {
            outputs.add(bn + ".batchMean");
            outputs.add(bn + ".batchVar");
        }
        OutAndGrad r = graph.sd().calculateGradientsAndOutputs(ph, outputs, graph.trainableNames());
        Map<String, INDArray> out = r.getOutputs();
        long n = clips.length() / clips.size(1);
        for (String bn : graph.batchNorms()) {
            updateRunning(store, bn, out.get(bn + ".batchMean"), out.get(bn + ".batchVar"), n);
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (String name : graph.trainableNames()) {
            INDArray grad = r.getGradients().get(name);
            if (grad != null) {
                grads.put(name, grad);
            }
        }
        return new Step(out.get(SameDiffNetworkBuilder.LOSS).getDouble(0), out.get(SameDiffNetworkBuilder.CE).getDouble(0),
                out.get(SameDiffNetworkBuilder.REG).getDouble(0), out.get(SameDiffNetworkBuilder.LOGITS), grads);
    }

    /** Loss, cross-entropy and regulariser of a batch, without gradients or statistics updates. */
    public static double[] lossTerms(BuiltGraph graph, INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        Map<String, INDArray> ph = new HashMap<>(gateInputs);
        ph.put(SameDiffNetworkBuilder.INPUT, clips);
        ph.put(SameDiffNetworkBuilder.LABELS, oneHot);
        Map<String, INDArray> out = graph.sd().output(ph, SameDiffNetworkBuilder.LOSS, SameDiffNetworkBuilder.CE,
                SameDiffNetworkBuilder.REG);
        return new double[] {out.get(SameDiffNetworkBuilder.LOSS).getDouble(0),
            out.get(SameDiffNetworkBuilder.CE).getDouble(0), out.get(SameDiffNetworkBuilder.REG).getDouble(0)};
    }

    /** Logits of {@code graph} for a batch; {@code inputs} holds the masks of a HARD graph. */
    public static INDArray logits(BuiltGraph graph, INDArray clips, Map<String, INDArray> inputs) {
        Map<String, INDArray> ph = new HashMap<>(inputs);
        ph.put(SameDiffNetworkBuilder.INPUT, clips);
        return graph.sd().output(ph, SameDiffNetworkBuilder.LOGITS).get(SameDiffNetworkBuilder.LOGITS);
    }

    private static void updateRunning(ParameterStore store, String bn, INDArray batchMean, INDArray batchVar, long n) {
        INDArray mean = store.state().get(bn + ".runningMean");
        INDArray var = store.state().get(bn + ".runningVar");
        double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
        mean.muli(1 - BN_MOMENTUM).addi(batchMean.castTo(mean.dataType()).mul(BN_MOMENTUM));
        var.muli(1 - BN_MOMENTUM).addi(batchVar.castTo(var.dataType()).mul(BN_MOMENTUM * unbias));
    }
}
