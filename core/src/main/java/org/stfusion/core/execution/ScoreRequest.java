package org.stfusion.core.execution;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One strategy to score with the template's weights: its path and classifier-feature masks, on the first
 * {@code items} validation clips ({@link #ALL}: every clip), with batch-norm statistics recalibrated on
 * {@code recalibrationBatches} training batches (0: the template's own). {@code key} names the result; it is
 * unique within one {@link ScoringBackend#score} call. Serializable, so that it can travel to a cluster's tasks.
 */
public record ScoreRequest(String key, boolean[] pathKeep, boolean[] featureKeep, int items, int recalibrationBatches)
        implements Serializable {

    /** Every validation clip. */
    public static final int ALL = Integer.MAX_VALUE;

    public ScoreRequest {
        pathKeep = pathKeep.clone();
        featureKeep = featureKeep.clone();
    }

    @Override
    public boolean[] pathKeep() {
        return pathKeep.clone();
    }

    @Override
    public boolean[] featureKeep() {
        return featureKeep.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreRequest r && key.equals(r.key) && Arrays.equals(pathKeep, r.pathKeep)
                && Arrays.equals(featureKeep, r.featureKeep) && items == r.items
                && recalibrationBatches == r.recalibrationBatches;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(pathKeep);
    }

    @Override
    public String toString() {
        return key + " (" + (items == ALL ? "all" : items) + " clips, " + recalibrationBatches + " recalibration batches)";
    }
}
