package org.stfusion.core.execution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.stfusion.core.eval.Scorer;

/**
 * Scores in this process through one {@link Scorer}. Requests under the same batch-norm protocol and on the same
 * clips are scored together, each validation batch through all of them, so that their passes share common
 * prefixes; without recalibration, within a {@link #sharing} span, the ungated stem is also kept across calls.
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

    /** Requests on the same number of clips are scored together (see {@link Scorer#scoreAll}). */
    private static void scoreGroup(Scorer s, List<ScoreRequest> group, Map<String, Scorer.Score> scores,
                                   Consumer<ScoredRequest> scored) {
        Map<Integer, List<ScoreRequest>> byItems = new LinkedHashMap<>();
        java.util.Set<String> keys = new java.util.HashSet<>(scores.keySet());
        for (ScoreRequest r : group) {
            if (!keys.add(r.key())) {
                throw new IllegalArgumentException("two requests named " + r.key());
            }
            byItems.computeIfAbsent(r.items(), k -> new java.util.ArrayList<>()).add(r);
        }
        byItems.forEach((items, requests) -> {
            List<Scorer.Score> results = s.scoreAll(requests.stream()
                    .map(r -> new Scorer.Strategy(r.pathKeep(), r.featureKeep())).toList(), items);
            for (int i = 0; i < requests.size(); i++) {
                scores.put(requests.get(i).key(), results.get(i));
                scored.accept(new ScoredRequest(requests.get(i).key(), results.get(i)));
            }
        });
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
