package org.stfusion.core.execution;

import java.util.List;

/**
 * Trains a study's standalone networks in the tasks of a cluster, one task a network, all at once as the cluster's
 * cores allow. Each task records its result in the run directory the moment it finishes, so that a study submitted
 * again with {@code --resume} skips it even when the submitting process died before it heard of it. (In this
 * process the study trains its networks itself, one after the other.)
 */
public interface TrainingBackend {

    /** Trains every request and returns the results in the order of {@code requests}. */
    List<TrainedStandalone> train(List<TrainingRequest> requests);

    /** One line for logs: where the trainings run. */
    String describe();
}
