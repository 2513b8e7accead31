package org.stfusion.reporters;

import static org.stfusion.reporters.ConsoleFormat.format;
import static org.stfusion.reporters.ConsoleFormat.gmacs;
import static org.stfusion.reporters.ConsoleFormat.percent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunEvent.RunFinished;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.api.report.StrategyResult;

/** The text printed when a run finishes: best strategies, named strategies, Opt's gain and the marginals. */
final class RunSummary {
    static final int MAX_LINE = 120;
    /** Opt's gain over all-S moving by more than this between the protocols gets a line of explanation. */
    static final double BN_EFFECT_POINTS = 5;

    private final RunResults results;
    private final int top;
    private final List<String> lines = new ArrayList<>();

    private RunSummary(RunResults results, int top) {
        this.results = results;
        this.top = top;
    }

    static List<String> lines(RunFinished finished, int top) {
        RunSummary summary = new RunSummary(finished.results(), top);
        summary.lines.add("");
        summary.lines.add("run finished in " + ConsoleFormat.duration(finished.seconds()));
        summary.strategies();
        summary.named();
        summary.optGain();
        summary.marginals();
        summary.badItems();
        summary.lines.add("");
        summary.lines.add("run directory: " + Path.of(finished.runDir()));
        return summary.lines.stream().map(line -> ConsoleFormat.truncate(line, MAX_LINE)).toList();
    }

    private void strategies() {
        List<StrategyResult> sampled = results.strategies() == null ? List.of() : results.strategies();
        if (sampled.isEmpty()) {
            return;
        }
        List<StrategyResult> shown = sampled.subList(0, Math.min(top, sampled.size()));
        boolean withTop5 = shown.stream().anyMatch(RunSummary::hasTop5);
        int idWidth = Math.max(2, shown.stream().mapToInt(s -> s.id().length()).max().orElse(0));
        int countsWidth = shown.stream().mapToInt(s -> UnitCodes.counts(s.units()).length()).max().orElse(0);
        UnitCodes codes = new UnitCodes(shown.stream().map(StrategyResult::units).toList());

        lines.add("");
        lines.add(format("top %d of %d sampled strategies by validation top-1", shown.size(), sampled.size()));
        String row = "%4s  %-" + idWidth + "s  %6s%s  %7s  %-" + countsWidth + "s  %s";
        lines.add(format(row, "rank", "id", "top1", withTop5 ? format("  %6s", "top5") : "", "GMACs", "units",
                "per position"));
        for (int i = 0; i < shown.size(); i++) {
            StrategyResult s = shown.get(i);
            lines.add(format(row, i + 1, s.id(), percent(s.top1()), withTop5 ? format("  %6s", percent(s.top5())) : "",
                    gmacs(s.macsPerClip()), UnitCodes.counts(s.units()), codes.sequence(s.units())));
        }
        lines.add("per position: " + codes.legend());
    }

    private void named() {
        List<Map.Entry<String, StrategyResult>> named = NamedStrategies.ordered(results.named());
        if (named.isEmpty()) {
            return;
        }
        ScoringProtocol protocol = results.scoringProtocol();
        String other = otherProtocol(protocol);
        boolean withOther = named.stream().anyMatch(e -> e.getValue().top1Under(other) != null);
        boolean withTop5 = named.stream().anyMatch(e -> hasTop5(e.getValue()));
        int nameWidth = Math.max(2, named.stream().mapToInt(e -> e.getKey().length()).max().orElse(0));
        String otherLabel = ScoringProtocol.of(other.equals(ScoringProtocol.RECALIBRATED) ? 1 : 0).label();
        String row = "  %-" + nameWidth + "s  %6s%s%s  %7s";
        lines.add("");
        lines.add("named strategies, scored with " + protocol.describe());
        lines.add(format(row, "id", "top1", withTop5 ? format("  %6s", "top5") : "",
                withOther ? format("  %" + otherLabel.length() + "s", otherLabel) : "", "GMACs"));
        for (Map.Entry<String, StrategyResult> e : named) {
            StrategyResult s = e.getValue();
            lines.add(format(row, e.getKey(), percent(s.top1()), withTop5 ? format("  %6s", percent(s.top5())) : "",
                    withOther ? format("  %" + otherLabel.length() + "s", percent(s.top1Under(other))) : "",
                    gmacs(s.macsPerClip())));
        }
    }

    /** The paper's headline comparison: the best sampled strategy (Opt) against all-S (the 2D network). */
    private void optGain() {
        StrategyResult best = results.best();
        if (best == null) {
            return;
        }
        StrategyResult allS = results.named() == null ? null : results.named().get("S");
        String line = format("Opt %s  %s", best.id(), percent(best.top1()));
        if (allS != null) {
            line += format("  vs all-S %s: %+.1f points", percent(allS.top1()), 100 * (best.top1() - allS.top1()));
        }
        lines.add("");
        lines.add(line);
        if (allS != null && best.heldOutTop1() != null && allS.heldOutTop1() != null) {
            lines.add(format("    on the held-out items (not used to choose Opt): %s vs all-S %s: %+.1f points",
                    percent(best.heldOutTop1()), percent(allS.heldOutTop1()),
                    100 * (best.heldOutTop1() - allS.heldOutTop1())));
        }
        String other = otherProtocol(results.scoringProtocol());
        if (allS != null && best.top1Under(other) != null && allS.top1Under(other) != null) {
            double gap = best.top1() - allS.top1();
            double otherGap = best.top1Under(other) - allS.top1Under(other);
            lines.add(format("    with %s: %s vs %s: %+.1f points",
                    ScoringProtocol.of(other.equals(ScoringProtocol.RECALIBRATED) ? 1 : 0).describe(),
                    percent(best.top1Under(other)), percent(allS.top1Under(other)), 100 * otherGap));
            if (Math.abs(gap - otherGap) > BN_EFFECT_POINTS / 100.0) {
                lines.add("    the gaps differ: the template's BN statistics (all paths open) do not fit sub-networks;"
                        + " trust the recalibrated gap");
            }
        }
    }

    private static String otherProtocol(ScoringProtocol protocol) {
        return protocol.name().equals(ScoringProtocol.RECALIBRATED) ? ScoringProtocol.TEMPLATE : ScoringProtocol.RECALIBRATED;
    }

    private void marginals() {
        List<PositionMarginal> positions = results.positions() == null ? List.of() : results.positions();
        if (positions.isEmpty()) {
            return;
        }
        MarginalColumns columns = MarginalColumns.of(positions);
        List<String> header = new ArrayList<>(List.of("position"));
        columns.paths().forEach(path -> header.add("p(" + path + ")"));
        columns.paths().forEach(path -> header.add("kept(" + path + ")"));
        columns.units().forEach(unit -> header.add("P(" + unit + ")"));
        int nameWidth = Math.max("position".length(), positions.stream().mapToInt(p -> p.name().length()).max().orElse(0));
        StringBuilder row = new StringBuilder("%-" + nameWidth + "s");
        for (int i = 1; i < header.size(); i++) {
            row.append("  %").append(Math.max(6, header.get(i).length())).append('s');
        }
        lines.add("");
        lines.add("marginals per fusion position (kept = 1 - sqrt(p))");
        lines.add(format(row.toString(), header.toArray()));
        for (PositionMarginal p : positions) {
            List<Object> cells = new ArrayList<>(List.of(p.name()));
            columns.paths().forEach(path -> cells.add(probability(MarginalColumns.value(p.drop(), path))));
            columns.paths().forEach(path -> cells.add(probability(MarginalColumns.value(p.kept(), path))));
            columns.units().forEach(unit -> cells.add(probability(MarginalColumns.value(p.unitMarginals(), unit))));
            lines.add(format(row.toString(), cells.toArray()));
        }
    }

    /** Skipped data must be seen: a count per split and the first few with their reasons. */
    private void badItems() {
        if (results.dataset() == null || results.dataset().badItemCount() == 0) {
            return;
        }
        lines.add("");
        for (Map.Entry<String, List<BadItem>> e : results.dataset().badItems().entrySet()) {
            List<BadItem> items = e.getValue();
            if (items.isEmpty()) {
                continue;
            }
            lines.add(format("%d bad %s items skipped (all in results.json, dataset.badItems):", items.size(), e.getKey()));
            items.stream().limit(3).forEach(item -> lines.add("  " + item));
        }
    }

    private static boolean hasTop5(StrategyResult s) {
        return s.top5() != null && Double.isFinite(s.top5());
    }

    private static String probability(Double p) {
        return p == null || !Double.isFinite(p) ? "-" : format("%.3f", p);
    }
}
