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

    /** The final score of every candidate and the number of clips it was scored on. */
    public record Outcome<C>(Map<C, Scorer.Score> scores, Map<C, Integer> scoredItems, long clipForwards,
                             long fullClipForwards) {
    }

    private SuccessiveHalving() {
    }

    public static <C> Outcome<C> run(List<C> candidates, int validationItems, double firstSlice, SliceScorer<C> scorer,
                                     ToLongFunction<C> macs) {
        Map<C, Scorer.Score> scores = new LinkedHashMap<>();
        Map<C, Integer> items = new LinkedHashMap<>();
        List<C> alive = new ArrayList<>(candidates);
        long forwards = 0;
        int slice = Math.max(1, (int) Math.ceil(validationItems * firstSlice));
        while (alive.size() > 1 && slice < validationItems) {
            for (C c : alive) {
                scores.put(c, scorer.score(c, slice));
                items.put(c, slice);
                forwards += slice;
            }
            List<C> ranked = new ArrayList<>(alive);
            ranked.sort(Comparator.<C>comparingDouble(c -> -scores.get(c).top1()).thenComparingLong(macs)
                    .thenComparingInt(candidates::indexOf));
            alive = new ArrayList<>(ranked.subList(0, (ranked.size() + 1) / 2));
            slice = Math.min(validationItems, slice * 2);
        }
        for (C c : alive) {
            scores.put(c, scorer.score(c, validationItems));
            items.put(c, validationItems);
            forwards += validationItems;
        }
        return new Outcome<>(scores, items, forwards, (long) candidates.size() * validationItems);
    }
}
