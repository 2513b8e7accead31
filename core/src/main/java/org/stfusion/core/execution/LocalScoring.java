package org.stfusion.core.execution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.stfusion.core.eval.Scorer;

/**
 * Scores in this process, one strategy after the other, through one {@link Scorer}. Requests under the same
 * batch-norm protocol are scored together, so that without recalibration the network's ungated stem is computed
 * once per validation batch and shared by all of them; within a {@link #sharing} span, by every call's.
 */
public final class LocalScoring implements ScoringBackend {
    private static final int NONE = -1;

    private final Scorer scorer;
    /** The protocol (recalibration batches) of the open sharing span, or NONE. */
    private int sharedUnder = NONE;

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
            if (sharedUnder == batches) {
                scoreGroup(s, group, scores, scored);
                return;
            }
            if (sharedUnder != NONE) {
                // a stem cached under the span's statistics must not serve another protocol's strategies
                throw new IllegalStateException("scoring under " + batches + " recalibration batches inside a sharing "
                        + "span for " + sharedUnder);
            }
            try (var shared = s.sharingUngatedPrefix()) {
                scoreGroup(s, group, scores, scored);
            }
        });
        return scores;
    }

    private static void scoreGroup(Scorer s, List<ScoreRequest> group, Map<String, Scorer.Score> scores,
                                   Consumer<ScoredRequest> scored) {
        for (ScoreRequest r : group) {
            Scorer.Score score = s.score(r.pathKeep(), r.featureKeep(), r.items());
            if (scores.put(r.key(), score) != null) {
                throw new IllegalArgumentException("two requests named " + r.key());
            }
            scored.accept(new ScoredRequest(r.key(), score));
        }
    }

    @Override
    public Shared sharing(int recalibrationBatches) {
        if (sharedUnder != NONE) {
            throw new IllegalStateException("a sharing span is open already");
        }
        var prefix = scorer.recalibrating(recalibrationBatches).sharingUngatedPrefix();
        sharedUnder = recalibrationBatches;
        return () -> {
            prefix.close();
            sharedUnder = NONE;
        };
    }

    @Override
    public String describe() {
        return "local (this process)";
    }
}
