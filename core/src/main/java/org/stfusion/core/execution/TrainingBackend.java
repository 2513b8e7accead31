package org.stfusion.core.execution;

import java.util.List;

/**
 * Trains a study's standalone networks in the tasks of a cluster, one task a network, all at once as the cluster's
 * cores allow. The submitting process records each result in the run directory the moment it arrives, so that a
 * study submitted again with {@code --resume} skips it even when the submitting process died later; the tasks write
 * nothing. (In this process the study trains its networks itself, one after the other.)
 */
public interface TrainingBackend {

    /**
     * Trains every request and returns the results in the order of {@code requests}; {@code finished} hears of each
     * result in this process as soon as it arrives (to record it), in no particular order. When some trainings fail,
     * the others still finish and are heard of before the failure is thrown.
     */
    List<TrainedStandalone> train(List<TrainingRequest> requests, java.util.function.Consumer<TrainedStandalone> finished);

    /** One line for logs: where the trainings run. */
    String describe();
}
