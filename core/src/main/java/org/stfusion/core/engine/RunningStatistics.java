package org.stfusion.core.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.kernels.UpdateKernels;

/** Batch norm's running statistics as PyTorch keeps them: momentum 0.1, the variance unbiased by n/(n-1). */
public final class RunningStatistics {
    public static final double MOMENTUM = 0.1;
    public static final double EPS = 1e-5;

    private RunningStatistics() {
    }

    /** Folds one batch's mean and biased variance over {@code n} values per channel into batch norm {@code bn}. */
    public static void update(ParameterStore store, String bn, INDArray batchMean, INDArray batchVar, long n) {
        INDArray mean = store.state().get(bn + ".runningMean");
        INDArray var = store.state().get(bn + ".runningVar");
        double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
        UpdateKernels.fold(mean, batchMean, MOMENTUM, MOMENTUM);
        UpdateKernels.fold(var, batchVar, MOMENTUM, MOMENTUM * unbias);
    }
}
