package org.stfusion.api.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fusion strategy scored with the template's inherited weights: the unit at every fusion position (in
 * network order; "none" where every path was dropped), the seed it was drawn with (absent for the named
 * strategies S, ST, S+ST), validation top-1 and top-5 (top-5 only when there are more than 5 classes), and
 * the forward MACs per clip of the kept paths. {@code scoredItems} is absent when the strategy was scored on
 * the whole validation set, and the number of validation clips otherwise (successive halving stopped it
 * early; its top-1 is then on that slice). {@code top1ByProtocol}, for the named strategies and the best sampled
 * one, holds top-1 under both {@link ScoringProtocol}s by protocol name ({@code top1} is the run's); absent
 * otherwise. {@code nonFiniteItems} is present when some validation clips gave non-finite logits (the network is
 * broken there, e.g. a NaN weight in a kept path): such a strategy scores 0 and must not be trusted. With
 * validation items held out from the choice of the best strategy ({@code sampling.holdout}), {@code top1} and
 * {@code top5} are over the items that rank strategies and {@code heldOutTop1} over the held-out ones; absent
 * otherwise.
 */
public record StrategyResult(String id, Long seed, List<String> units, double top1, Double top5, long macsPerClip,
                             Integer scoredItems, Map<String, Double> top1ByProtocol, Long nonFiniteItems,
                             Double heldOutTop1) {
    public StrategyResult {
        units = List.copyOf(units);
        top1ByProtocol = top1ByProtocol == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(top1ByProtocol));
    }

    public StrategyResult(String id, Long seed, List<String> units, double top1, Double top5, long macsPerClip,
                          Integer scoredItems, Map<String, Double> top1ByProtocol) {
        this(id, seed, units, top1, top5, macsPerClip, scoredItems, top1ByProtocol, null, null);
    }

    public StrategyResult(String id, Long seed, List<String> units, double top1, Double top5, long macsPerClip,
                          Integer scoredItems) {
        this(id, seed, units, top1, top5, macsPerClip, scoredItems, null, null, null);
    }

    /** A strategy scored on the whole validation set. */
    public StrategyResult(String id, Long seed, List<String> units, double top1, Double top5, long macsPerClip) {
        this(id, seed, units, top1, top5, macsPerClip, null, null, null, null);
    }

    /** This result with its top-1 under both protocols. */
    public StrategyResult withTop1ByProtocol(Map<String, Double> byProtocol) {
        return new StrategyResult(id, seed, units, top1, top5, macsPerClip, scoredItems, byProtocol, nonFiniteItems,
                heldOutTop1);
    }

    /** This result flagged: {@code items} validation clips gave non-finite logits (none: not flagged). */
    public StrategyResult withNonFiniteItems(long items) {
        return new StrategyResult(id, seed, units, top1, top5, macsPerClip, scoredItems, top1ByProtocol,
                items > 0 ? items : null, heldOutTop1);
    }

    /** This result with its top-1 on the held-out validation items (null: none held out). */
    public StrategyResult withHeldOutTop1(Double top1OnHeldOut) {
        return new StrategyResult(id, seed, units, top1, top5, macsPerClip, scoredItems, top1ByProtocol, nonFiniteItems,
                top1OnHeldOut);
    }

    /** Whether its network gave non-finite logits, so its score says nothing. */
    public boolean nonFinite() {
        return nonFiniteItems != null && nonFiniteItems > 0;
    }

    /** Top-1 under {@code protocol} (a {@link ScoringProtocol} name), or null if not scored that way. */
    public Double top1Under(String protocol) {
        return top1ByProtocol == null ? null : top1ByProtocol.get(protocol);
    }
}
