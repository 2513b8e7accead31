package org.stfusion.core.execution;

import java.io.Serializable;
import java.util.List;

/**
 * One standalone training of a study: the fixed network with {@code units} at the template's positions, named
 * {@code name} ({@code S}, {@code Opt}, {@code rank s007}, ...), drawn from the sampled strategy's seed
 * {@code strategySeed} (null for a named strategy) and trained with the seeds of its place {@code index} in the
 * study. {@code name} is unique within one {@link TrainingBackend#train} call. Serializable, so that it can travel
 * to a cluster's tasks.
 */
public record TrainingRequest(String name, List<String> units, Long strategySeed, int index) implements Serializable {
    public TrainingRequest {
        units = List.copyOf(units);
    }

    @Override
    public String toString() {
        return name + " (training " + index + ")";
    }
}
