package org.stfusion.core.execution;

import java.io.Serializable;
import org.stfusion.core.eval.Scorer;

/** What a scoring task gives back for one {@link ScoreRequest}: its key and its score. */
public record ScoredRequest(String key, Scorer.Score score) implements Serializable {
}
