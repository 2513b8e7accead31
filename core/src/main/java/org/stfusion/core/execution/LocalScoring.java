package org.stfusion.core.execution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.stfusion.core.eval.Scorer;

/**
 * Scores in this process, one strategy after the other, through one {@link Scorer}. Requests under the same
 * batch-norm protocol are scored together, so that without recalibration the network's ungated stem is computed
 * once per validation batch and shared by all of them.
 */
public final class LocalScoring implements ScoringBackend {
    private final Scorer scorer;

    public LocalScoring(Scorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public Map<String, Scorer.Score> score(List<ScoreRequest> requests, Consumer<ScoredRequest> scored) {
        Map<String, Scorer.Score> scores = new LinkedHashMap<>();
        Map<Integer, List<ScoreRequest>> byProtocol = new LinkedHashMap<>();
        for (ScoreRequest r : requests) {
            byProtocol.computeIfAbsent(r.recalibrationBatches(), k -> new java.util.ArrayList<>()).add(r);
        }
        byProtocol.forEach((batches, group) -> {
            Scorer s = scorer.recalibrating(batches);
            try (var shared = s.sharingUngatedPrefix()) {
                for (ScoreRequest r : group) {
                    Scorer.Score score = s.score(r.pathKeep(), r.featureKeep(), r.items());
                    if (scores.put(r.key(), score) != null) {
                        throw new IllegalArgumentException("two requests named " + r.key());
                    }
                    scored.accept(new ScoredRequest(r.key(), score));
                }
            }
        });
        return scores;
    }

    @Override
    public String describe() {
        return "local (this process)";
    }
}
