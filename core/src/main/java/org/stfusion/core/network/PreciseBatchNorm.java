package org.stfusion.core.network;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.ParameterStore;

/**
 * Precise batch norm: a network's running statistics replaced by the average batch statistics of a few
 * forward passes. A sub-network of the template needs its own: the template's were estimated with every path
 * open, and the sums after a fusion unit have other statistics when paths are dropped.
 */
final class PreciseBatchNorm {
    private PreciseBatchNorm() {
    }

    /**
     * Runs {@code batches} through {@code batchGraph} (batch statistics) with {@code gateInputs}, averages every
     * batch norm's mean and unbiased variance over them, and writes those into {@code store}'s running
     * statistics. Returns the statistics that were replaced; nothing changes when there are no batches.
     */
    static Map<String, INDArray> recalibrate(BuiltGraph batchGraph, ParameterStore store, Iterator<INDArray> batches,
                                             Map<String, INDArray> gateInputs) {
        if (batchGraph.graph().variant().bn() != BnMode.BATCH) {
            throw new IllegalArgumentException("recalibration needs a graph that normalises with batch statistics");
        }
        Map<String, INDArray> sums = new HashMap<>();
        int n = 0;
        while (batches.hasNext()) {
            INDArray clips = batches.next();
            batchGraph.executor().batchStatistics(clips, gateInputs).forEach((bn, stats) -> {
                long values = clips.size(0) * batchGraph.graph().batchNormVoxels(bn);
                double unbias = values > 1 ? (double) values / (values - 1) : 1.0;
                sums.merge(bn + ".runningMean", stats[0].dup(), INDArray::addi);
                sums.merge(bn + ".runningVar", stats[1].mul(unbias), INDArray::addi);
            });
            n++;
        }
        Map<String, INDArray> previous = new HashMap<>();
        for (var e : sums.entrySet()) {
            INDArray target = store.state().get(e.getKey());
            previous.put(e.getKey(), target.dup());
            target.assign(e.getValue().divi(n).castTo(target.dataType()).reshape(target.shape()));
        }
        return previous;
    }
}
