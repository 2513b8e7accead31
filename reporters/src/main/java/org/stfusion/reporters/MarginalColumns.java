package org.stfusion.reporters;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stfusion.api.report.PositionMarginal;

/**
 * The columns of a marginals table, from the fusion units the run used: the paths (and a layer gate D1) with a
 * drop rate, and every unit combination with a marginal, in the order core reports them. Per-source drop rates
 * ({@code S@0}, ...) stay in results.json: a column per source would not fit a table.
 */
record MarginalColumns(List<String> paths, List<String> units) {

    static MarginalColumns of(List<PositionMarginal> positions) {
        Set<String> paths = new LinkedHashSet<>();
        Set<String> units = new LinkedHashSet<>();
        for (PositionMarginal p : positions) {
            if (p.drop() != null) {
                p.drop().keySet().stream().filter(name -> !name.contains("@")).forEach(paths::add);
            }
            if (p.unitMarginals() != null) {
                units.addAll(p.unitMarginals().keySet());
            }
        }
        return new MarginalColumns(List.copyOf(paths), List.copyOf(units));
    }

    static Double value(Map<String, Double> values, String key) {
        return values == null ? null : values.get(key);
    }
}
