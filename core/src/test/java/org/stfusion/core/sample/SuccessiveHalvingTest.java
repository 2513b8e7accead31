package org.stfusion.core.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.stfusion.core.eval.Scorer;

class SuccessiveHalvingTest {

    /**
     * 40 candidates with true accuracies spread over [0.3, 0.6] and one clear winner at 0.9; each candidate's
     * correctness per validation clip is fixed (as with real clips), so a slice is a prefix of the same set.
     */
    @Test
    void findsTheSameBestAsFullScoringWithFarFewerClipForwards() {
        int n = 400;
        Random r = new Random(11);
        List<boolean[]> correct = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            double accuracy = c == 23 ? 0.9 : 0.3 + 0.3 * r.nextDouble();
            boolean[] hits = new boolean[n];
            for (int i = 0; i < n; i++) {
                hits[i] = r.nextDouble() < accuracy;
            }
            correct.add(hits);
            candidates.add(c);
        }
        SuccessiveHalving.SliceScorer<Integer> scorer = (c, items) -> {
            int k = 0;
            for (int i = 0; i < items; i++) {
                k += correct.get(c)[i] ? 1 : 0;
            }
            return new Scorer.Score(k / (double) items, null);
        };
        var outcome = SuccessiveHalving.run(candidates, n, 0.125, scorer, c -> 0);
        Integer best = outcome.scoredItems().entrySet().stream().filter(e -> e.getValue() == n)
                .max((a, b) -> Double.compare(outcome.scores().get(a.getKey()).top1(), outcome.scores().get(b.getKey()).top1()))
                .orElseThrow().getKey();
        Integer fullBest = candidates.stream()
                .max((a, b) -> Double.compare(scorer.score(a, n).top1(), scorer.score(b, n).top1())).orElseThrow();
        assertEquals(fullBest, best);
        assertEquals(23, best);
        assertEquals(scorer.score(23, n).top1(), outcome.scores().get(23).top1(), 1e-12, "survivors get the full score");
        assertEquals(40L * n, outcome.fullClipForwards());
        assertTrue(outcome.clipForwards() <= outcome.fullClipForwards() / 2,
                outcome.clipForwards() + " clip forwards instead of " + outcome.fullClipForwards());
    }

    @Test
    void aSingleCandidateIsScoredOnceOnTheWholeSet() {
        var outcome = SuccessiveHalving.run(List.of("only"), 100, 0.1, (c, items) -> new Scorer.Score(1, null), c -> 0);
        assertEquals(100, outcome.scoredItems().get("only"));
        assertEquals(100, outcome.clipForwards());
    }
}
