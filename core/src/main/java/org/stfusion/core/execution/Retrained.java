package org.stfusion.core.execution;

import java.io.Serializable;
import org.stfusion.core.eval.Scorer;

/** What a retraining gives back: the network's size and its validation score. */
public record Retrained(long parameters, long macsPerClip, Scorer.Score score) implements Serializable {
}
