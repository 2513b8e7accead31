package org.stfusion.core.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.stfusion.core.eval.Scorer;

/**
 * Successive halving over candidate strategies: score all on the first slice of the validation set, keep
 * the better half, double the slice, and so on; the survivors are scored on the whole set. Ties at the cut
 * keep the cheaper strategy (fewer MACs), then the earlier one, so the outcome is deterministic.
 */
public final class SuccessiveHalving {

    /** How to score a candidate on the first {@code items} validation clips. */
    public interface SliceScorer<C> {
        Scorer.Score score(C candidate, int items);
    }

    /**
     * How to score a round's candidates on the first {@code items} validation clips, all at once (a distributed
     * scorer makes one stage of each round).
     */
    public interface RoundScorer<C> {
        Map<C, Scorer.Score> score(List<C> candidates, int items);
    }

    /** The final score of every candidate and the number of clips it was scored on. */
    public record Outcome<C>(Map<C, Scorer.Score> scores, Map<C, Integer> scoredItems, long clipForwards,
                             long fullClipForwards) {
    }

    private SuccessiveHalving() {
    }

    public static <C> Outcome<C> run(List<C> candidates, int validationItems, double firstSlice, SliceScorer<C> scorer,
                                     ToLongFunction<C> macs) {
        return runInRounds(candidates, validationItems, firstSlice, (round, items) -> {
            Map<C, Scorer.Score> scores = new LinkedHashMap<>();
            round.forEach(c -> scores.put(c, scorer.score(c, items)));
            return scores;
        }, macs);
    }

    /** {@link #run} with each round's candidates scored in one call. */
    public static <C> Outcome<C> runInRounds(List<C> candidates, int validationItems, double firstSlice,
                                             RoundScorer<C> scorer, ToLongFunction<C> macs) {
        Map<C, Scorer.Score> scores = new LinkedHashMap<>();
        Map<C, Integer> items = new LinkedHashMap<>();
        List<C> alive = new ArrayList<>(candidates);
        long forwards = 0;
        int slice = Math.max(1, (int) Math.ceil(validationItems * firstSlice));
        while (alive.size() > 1 && slice < validationItems) {
            scores.putAll(scored(scorer, alive, slice));
            for (C c : alive) {
                items.put(c, slice);
                forwards += slice;
            }
            List<C> ranked = new ArrayList<>(alive);
            ranked.sort(Comparator.<C>comparingDouble(c -> -scores.get(c).top1()).thenComparingLong(macs)
                    .thenComparingInt(candidates::indexOf));
            alive = new ArrayList<>(ranked.subList(0, (ranked.size() + 1) / 2));
            slice = Math.min(validationItems, slice * 2);
        }
        scores.putAll(scored(scorer, alive, validationItems));
        for (C c : alive) {
            items.put(c, validationItems);
            forwards += validationItems;
        }
        return new Outcome<>(scores, items, forwards, (long) candidates.size() * validationItems);
    }

    private static <C> Map<C, Scorer.Score> scored(RoundScorer<C> scorer, List<C> round, int items) {
        Map<C, Scorer.Score> scores = scorer.score(List.copyOf(round), items);
        for (C c : round) {
            if (scores.get(c) == null) {
                throw new IllegalStateException("the round's scorer gave no score for " + c);
            }
        }
        return scores;
    }
}
