package org.stfusion.core.execution;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scores strategies with a trained template's weights: in this process ({@link LocalScoring}) or spread over the
 * tasks of a cluster. Either way every strategy gets the same score, whatever else is scored with it.
 */
public interface ScoringBackend {

    /**
     * Scores every request and returns the scores by key; {@code scored} hears of each one as soon as it is known
     * (for progress), in no particular order.
     */
    Map<String, org.stfusion.core.eval.Scorer.Score> score(List<ScoreRequest> requests, Consumer<ScoredRequest> scored);

    /** One line for logs: where the scoring runs. */
    String describe();
}
