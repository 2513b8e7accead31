package org.stfusion.api.report;

import java.util.List;

/**
 * A fusion strategy scored with the template's inherited weights: the unit at every fusion position (in
 * network order; "none" where every path was dropped), the seed it was drawn with (absent for the named
 * strategies S, ST, S+ST), validation top-1 and top-5 (top-5 only when there are more than 5 classes), and
 * the forward MACs per clip of the kept paths. {@code scoredItems} is absent when the strategy was scored on
 * the whole validation set, and the number of validation clips otherwise (successive halving stopped it
 * early; its top-1 is then on that slice).
 */
public record StrategyResult(String id, Long seed, List<String> units, double top1, Double top5, long macsPerClip,
                             Integer scoredItems) {
    public StrategyResult {
        units = List.copyOf(units);
    }

    /** A strategy scored on the whole validation set. */
    public StrategyResult(String id, Long seed, List<String> units, double top1, Double top5, long macsPerClip) {
        this(id, seed, units, top1, top5, macsPerClip, null);
    }
}
