package org.stfusion.core.train;

import org.stfusion.core.engine.GraphExecutor;

/**
 * When a training step shows that the weights have blown up: the loss is not finite, or the mean cross-entropy
 * exceeds {@link #CROSS_ENTROPY_LIMIT} nats, i.e. the network gives the true classes probabilities below e^-1000.
 * (Uniform guessing costs ln K, under 7 nats for 1000 classes; an engine that computes the cross-entropy in double
 * precision reports such a loss as a huge finite number rather than infinity.)
 */
public final class Divergence {
    public static final double CROSS_ENTROPY_LIMIT = 1000;

    private Divergence() {
    }

    public static boolean diverged(GraphExecutor.Step step) {
        return !Double.isFinite(step.loss()) || !(step.crossEntropy() <= CROSS_ENTROPY_LIMIT);
    }
}
