package org.stfusion.core.network;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
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
    /** What the executor may keep per batch to share passes between strategies. */
    private static final long SHARING_BYTES = 512L << 20;

    private PreciseBatchNorm() {
    }

    /**
     * Runs {@code batches} through {@code batchGraph} (batch statistics) with {@code gateInputs}, averages every
     * batch norm's mean and unbiased variance over them, and writes those into {@code store}'s running
     * statistics. Returns the statistics that were replaced; nothing changes when there are no batches.
     */
    static Map<String, INDArray> recalibrate(BuiltGraph batchGraph, ParameterStore store, Iterator<INDArray> batches,
                                             Map<String, INDArray> gateInputs) {
        List<INDArray> all = new ArrayList<>();
        batches.forEachRemaining(all::add);
        Map<String, INDArray> previous = new HashMap<>();
        estimate(batchGraph, store, all, List.of(gateInputs)).get(0).forEach((name, values) -> {
            INDArray target = store.state().get(name);
            previous.put(name, target.dup());
            target.assign(values);
        });
        return previous;
    }

    /**
     * The statistics {@link #recalibrate} would write for each of {@code strategies} (gate inputs), without
     * writing them: per strategy, the running-statistics arrays of the batch norms it runs, by state name. Each
     * batch goes through every strategy in turn, so that the executor can share the passes' common prefixes.
     */
    static List<Map<String, INDArray>> estimate(BuiltGraph batchGraph, ParameterStore store, List<INDArray> batches,
                                                List<Map<String, INDArray>> strategies) {
        if (batchGraph.graph().variant().bn() != BnMode.BATCH) {
            throw new IllegalArgumentException("recalibration needs a graph that normalises with batch statistics");
        }
        List<Map<String, INDArray>> sums = new ArrayList<>();
        strategies.forEach(s -> sums.add(new HashMap<>()));
        for (INDArray clips : batches) {
            try (var shared = batchGraph.executor().shareBetweenStrategies(SHARING_BYTES)) {
                for (int i = 0; i < strategies.size(); i++) {
                    shared.nextWillBe(i + 1 < strategies.size() ? strategies.get(i + 1) : null);
                    Map<String, INDArray> sum = sums.get(i);
                    batchGraph.executor().batchStatistics(clips, strategies.get(i)).forEach((bn, stats) -> {
                        long values = clips.size(0) * batchGraph.graph().batchNormVoxels(bn);
                        double unbias = values > 1 ? (double) values / (values - 1) : 1.0;
                        sum.merge(bn + ".runningMean", stats[0].dup(), INDArray::addi);
                        sum.merge(bn + ".runningVar", stats[1].mul(unbias), INDArray::addi);
                    });
                }
            }
        }
        List<Map<String, INDArray>> out = new ArrayList<>();
        for (Map<String, INDArray> sum : sums) {
            Map<String, INDArray> estimated = new HashMap<>();
            for (var e : sum.entrySet()) {
                INDArray target = store.state().get(e.getKey());
                estimated.put(e.getKey(), e.getValue().divi(batches.size()).castTo(target.dataType()).reshape(target.shape()));
            }
            out.add(estimated);
        }
        return out;
    }
}
