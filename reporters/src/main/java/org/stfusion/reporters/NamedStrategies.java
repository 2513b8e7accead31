package org.stfusion.reporters;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.stfusion.api.report.StrategyResult;

/** The named strategies in the paper's order S, ST, S+ST, whatever map order core used; others follow by name. */
final class NamedStrategies {
    private static final List<String> PAPER_ORDER = List.of("S", "ST", "S+ST");

    private NamedStrategies() {
    }

    static List<Map.Entry<String, StrategyResult>> ordered(Map<String, StrategyResult> named) {
        if (named == null) {
            return List.of();
        }
        return named.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .sorted(Comparator.comparingInt((Map.Entry<String, StrategyResult> e) -> paperRank(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .toList();
    }

    private static int paperRank(String name) {
        int i = PAPER_ORDER.indexOf(name);
        return i < 0 ? PAPER_ORDER.size() : i;
    }
}
