package org.stfusion.core.execution;

import java.io.Serializable;
import org.stfusion.core.eval.Scorer;

/** What a training gives back for one {@link TrainingRequest}: the network's size and its validation score. */
public record TrainedStandalone(TrainingRequest request, long parameters, long macsPerClip, Scorer.Score score)
        implements Serializable {
}
