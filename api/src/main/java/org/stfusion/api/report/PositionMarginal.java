package org.stfusion.api.report;

import java.util.Map;

/**
 * Learned drop rates and marginals at one fusion position, keyed by fusion-unit name in the order of
 * {@code fusion.paths}. {@code drop}: the drop probability p of every path (with drop rates per source, also of
 * every (path, source) as {@code "S@j"}; with a layer gate, {@code "D1"}). {@code kept}: the marginal of each,
 * 1 - sqrt(p) (paper Eq. 7). {@code unitMarginals}: the probability of every combination of kept paths, named by
 * its units joined with "+" ({@code S}, {@code ST}, {@code S+ST} with the standard paths; {@code skip} when the
 * layer gate drops), assuming independent paths (the combination is inferred, see README).
 */
public record PositionMarginal(String name, Map<String, Double> drop, Map<String, Double> kept,
                               Map<String, Double> unitMarginals) {
}
