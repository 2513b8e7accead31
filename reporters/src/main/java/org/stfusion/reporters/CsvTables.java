package org.stfusion.reporters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;

/** strategies.csv and marginals.csv: RFC 4180 text, absent or NaN numbers as empty fields. */
final class CsvTables {
    static final String STRATEGIES_HEADER = "rank,id,seed,top1,top5,macs_per_clip,units";
    static final String MARGINALS_HEADER = "position,p_s,p_t,kept_s,kept_t,unit_s,unit_st,unit_s_st";

    private static final String ACCURACY = "%.4f";
    private static final String PROBABILITY = "%.6f";

    private CsvTables() {
    }

    /** The sampled strategies ranked best first, then the named ones with an empty rank. */
    static String strategies(RunResults results) {
        StringBuilder csv = new StringBuilder(STRATEGIES_HEADER).append('\n');
        List<StrategyResult> sampled = results.strategies() == null ? List.of() : results.strategies();
        for (int i = 0; i < sampled.size(); i++) {
            StrategyResult s = sampled.get(i);
            appendStrategy(csv, Integer.toString(i + 1), s.id(), s);
        }
        for (Map.Entry<String, StrategyResult> named : NamedStrategies.ordered(results.named())) {
            appendStrategy(csv, "", named.getKey(), named.getValue());
        }
        return csv.toString();
    }

    static String marginals(RunResults results) {
        StringBuilder csv = new StringBuilder(MARGINALS_HEADER).append('\n');
        List<PositionMarginal> positions = results.positions() == null ? List.of() : results.positions();
        for (PositionMarginal p : positions) {
            Map<String, Double> units = p.unitMarginals() == null ? Map.of() : p.unitMarginals();
            row(csv, List.of(p.name(),
                    number(PROBABILITY, p.pS()), number(PROBABILITY, p.pT()),
                    number(PROBABILITY, p.keptS()), number(PROBABILITY, p.keptT()),
                    number(PROBABILITY, units.get("S")), number(PROBABILITY, units.get("ST")),
                    number(PROBABILITY, units.get("S+ST"))));
        }
        return csv.toString();
    }

    private static void appendStrategy(StringBuilder csv, String rank, String id, StrategyResult s) {
        row(csv, List.of(rank, id, s.seed() == null ? "" : s.seed().toString(),
                number(ACCURACY, s.top1()), number(ACCURACY, s.top5()),
                Long.toString(s.macsPerClip()), String.join(" ", s.units())));
    }

    private static void row(StringBuilder csv, List<String> fields) {
        List<String> quoted = new ArrayList<>(fields.size());
        for (String field : fields) {
            quoted.add(quote(field));
        }
        csv.append(String.join(",", quoted)).append('\n');
    }

    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static String number(String format, Double value) {
        if (value == null || !Double.isFinite(value)) {
            return "";
        }
        return String.format(Locale.ROOT, format, value);
    }
}
