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

    /** A span in which calls share work; closing it ends the sharing. */
    interface Shared extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until closed, calls scoring under the protocol of {@code recalibrationBatches} (and only those) may share work
     * between them: in this process, the network's ungated stem per validation batch, across successive-halving
     * rounds too. Nothing to share by default.
     */
    default Shared sharing(int recalibrationBatches) {
        return () -> { };
    }

    /** One line for logs: where the scoring runs. */
    String describe();
}
