package org.stfusion.core.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.GraphExecutor;

/**
 * When a training step must not be applied: its loss or a gradient is not finite, or the mean cross-entropy
 * exceeds {@link #CROSS_ENTROPY_LIMIT} nats, i.e. the network gives the true classes probabilities below e^-1000.
 * (Uniform guessing costs ln K, under 7 nats for 1000 classes; an engine that computes the cross-entropy in double
 * precision reports such a loss as a huge finite number rather than infinity.)
 */
public final class NumericChecks {
    public static final double CROSS_ENTROPY_LIMIT = 1000;

    private NumericChecks() {
    }

    /** What is wrong with {@code step}, in words, or null if it can be applied. */
    public static String fault(GraphExecutor.Step step) {
        if (!Double.isFinite(step.loss())) {
            return "the loss is " + step.loss();
        }
        if (!(step.crossEntropy() <= CROSS_ENTROPY_LIMIT)) {
            return "the cross-entropy is " + step.crossEntropy() + " nats (the network has diverged)";
        }
        String gradient = firstNonFinite(step.gradients());
        return gradient == null ? null : "the gradient of '" + gradient + "' is not finite";
    }

    /** The name of the first array holding a NaN or an infinity, or null. */
    public static String firstNonFinite(Map<String, INDArray> arrays) {
        for (var e : arrays.entrySet()) {
            if (!finite(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** One native reduction: a NaN or an infinity anywhere makes the sum non-finite. */
    public static boolean finite(INDArray a) {
        return a.isEmpty() || Double.isFinite(a.sumNumber().doubleValue());
    }
}
