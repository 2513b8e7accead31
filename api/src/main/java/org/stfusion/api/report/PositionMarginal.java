package org.stfusion.api.report;

import java.util.Map;

/**
 * Learned drop rates and marginals at one fusion position. {@code pS}, {@code pT} are the drop
 * probabilities of the spatial and temporal paths; {@code keptS = 1 - sqrt(pS)} (paper Eq. 7). The unit
 * marginals assume independent paths: S = a(1-b), ST = (1-a)b, S+ST = ab with a, b the kept marginals
 * (inferred, see README). {@code drop} has the drop rate of every path by unit name, for other path sets.
 */
public record PositionMarginal(String name, double pS, double pT, double keptS, double keptT,
                               Map<String, Double> unitMarginals, Map<String, Double> drop) {
}
