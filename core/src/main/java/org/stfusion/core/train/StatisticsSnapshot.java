package org.stfusion.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A copy of the BN running statistics taken before a training step, put back if the step turns out not to be
 * applicable: the engines fold the batch statistics into the running ones during the step itself. The copies
 * are allocated once (the statistics are a few numbers per channel).
 */
final class StatisticsSnapshot {
    private final Map<String, INDArray> live;
    private final Map<String, INDArray> saved = new LinkedHashMap<>();

    StatisticsSnapshot(Map<String, INDArray> live) {
        this.live = live;
        live.forEach((name, a) -> saved.put(name, a.dup()));
    }

    void save() {
        live.forEach((name, a) -> saved.get(name).assign(a));
    }

    void restore() {
        live.forEach((name, a) -> a.assign(saved.get(name)));
    }
}
