package org.stfusion.reporters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.api.report.StrategyResult;

/** strategies.csv and marginals.csv: RFC 4180 text, absent or NaN numbers as empty fields. */
final class CsvTables {
    static final String STRATEGIES_HEADER =
            "rank,id,seed,top1,top5,macs_per_clip,units,top1_recalibrated,top1_template,top1_held_out,non_finite_items";

    private static final String ACCURACY = "%.4f";
    private static final String PROBABILITY = "%.6f";

    private CsvTables() {
    }

    /**
     * The sampled strategies ranked best first, then the named ones with an empty rank; top-1 under each scoring
     * protocol where both were measured (the named strategies and the best).
     */
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

    /**
     * One row per position: {@code p_<unit>} and {@code kept_<unit>} per path, then {@code unit_<units>} per unit
     * combination, unit names lower-cased with "+" as "_" ({@code p_s, p_st, kept_s, kept_st, unit_s, unit_st,
     * unit_s_st} with the standard paths).
     */
    static String marginals(RunResults results) {
        List<PositionMarginal> positions = results.positions() == null ? List.of() : results.positions();
        MarginalColumns columns = MarginalColumns.of(positions);
        List<String> header = new ArrayList<>(List.of("position"));
        columns.paths().forEach(path -> header.add("p_" + slug(path)));
        columns.paths().forEach(path -> header.add("kept_" + slug(path)));
        columns.units().forEach(unit -> header.add("unit_" + slug(unit)));
        StringBuilder csv = new StringBuilder();
        row(csv, header);
        for (PositionMarginal p : positions) {
            List<String> fields = new ArrayList<>(List.of(p.name()));
            columns.paths().forEach(path -> fields.add(number(PROBABILITY, MarginalColumns.value(p.drop(), path))));
            columns.paths().forEach(path -> fields.add(number(PROBABILITY, MarginalColumns.value(p.kept(), path))));
            columns.units().forEach(unit -> fields.add(number(PROBABILITY, MarginalColumns.value(p.unitMarginals(), unit))));
            row(csv, fields);
        }
        return csv.toString();
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replace('+', '_');
    }

    private static void appendStrategy(StringBuilder csv, String rank, String id, StrategyResult s) {
        row(csv, List.of(rank, id, s.seed() == null ? "" : s.seed().toString(),
                number(ACCURACY, s.top1()), number(ACCURACY, s.top5()),
                Long.toString(s.macsPerClip()), String.join(" ", s.units()),
                number(ACCURACY, s.top1Under(ScoringProtocol.RECALIBRATED)), number(ACCURACY, s.top1Under(ScoringProtocol.TEMPLATE)),
                number(ACCURACY, s.heldOutTop1()), s.nonFiniteItems() == null ? "" : s.nonFiniteItems().toString()));
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
