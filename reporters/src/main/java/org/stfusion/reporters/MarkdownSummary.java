package org.stfusion.reporters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;

/** A run as Markdown for a README or a pull request: the Fig. 4 chart as an image, and the tables behind it. */
final class MarkdownSummary {
    private static final int TOP = 10;

    private MarkdownSummary() {
    }

    /** {@code chart} is the file name of the Fig. 4 SVG beside the summary. */
    static String render(RunResults r, String title, String chart) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append(r.backbone().name()).append(" on ").append(r.dataset().name()).append(": ").append(r.positions().size())
                .append(" fusion positions, ").append(String.format(Locale.ROOT, "%,d", r.parameters())).append(" parameters, ")
                .append(r.strategies().size()).append(" sampled strategies scored with ")
                .append(r.scoringProtocol().describe()).append(".\n\n");
        md.append("![Marginals of every fusion unit per position").append(r.best() == null ? "" : ", best strategy " + r.best().id()
                + " below").append("](").append(chart).append(")\n\n");

        List<String> protocols = new ArrayList<>();
        List<StrategyResult> rows = new ArrayList<>();
        NamedStrategies.ordered(r.named()).forEach(e -> rows.add(e.getValue()));
        if (r.best() != null) {
            rows.add(r.best());
        }
        rows.stream().filter(s -> s.top1ByProtocol() != null).findFirst()
                .ifPresent(s -> protocols.addAll(s.top1ByProtocol().keySet()));
        md.append("| strategy | top-1 |");
        protocols.forEach(p -> md.append(" top-1, ").append(p).append(" BN |"));
        md.append(" GMACs per clip |\n|---|---|");
        protocols.forEach(p -> md.append("---|"));
        md.append("---|\n");
        for (StrategyResult s : rows) {
            md.append("| ").append(s == r.best() ? "best: " + s.id() : "all-" + s.id()).append(" | ").append(Html.percent(s.top1()));
            for (String p : protocols) {
                Double v = s.top1Under(p);
                md.append(" | ").append(v == null ? "" : Html.percent(v));
            }
            md.append(" | ").append(Html.number(s.macsPerClip() / 1e9, 3)).append(" |\n");
        }

        MarginalColumns columns = MarginalColumns.of(r.positions());
        md.append("\n## Marginals per fusion position\n\n| position |");
        columns.units().forEach(u -> md.append(' ').append(u).append(" |"));
        md.append(r.best() == null ? "" : " best |").append("\n|---|");
        columns.units().forEach(u -> md.append("---|"));
        md.append(r.best() == null ? "" : "---|").append('\n');
        for (int i = 0; i < r.positions().size(); i++) {
            PositionMarginal p = r.positions().get(i);
            md.append("| ").append(p.name()).append(" |");
            for (String u : columns.units()) {
                Double v = MarginalColumns.value(p.unitMarginals(), u);
                md.append(' ').append(v == null ? "" : Html.number(v, 3)).append(" |");
            }
            if (r.best() != null) {
                md.append(' ').append(i < r.best().units().size() ? r.best().units().get(i) : "").append(" |");
            }
            md.append('\n');
        }

        List<StrategyResult> sampled = r.strategies().stream().filter(s -> s.scoredItems() == null).limit(TOP).toList();
        if (!sampled.isEmpty()) {
            UnitCodes codes = new UnitCodes(sampled.stream().map(StrategyResult::units).toList());
            md.append("\n## Top ").append(sampled.size()).append(" sampled strategies\n\n| id | top-1 | GMACs | units | per position |\n|---|---|---|---|---|\n");
            for (StrategyResult s : sampled) {
                md.append("| ").append(s.id()).append(" | ").append(Html.percent(s.top1())).append(" | ")
                        .append(Html.number(s.macsPerClip() / 1e9, 3)).append(" | ").append(UnitCodes.counts(s.units()))
                        .append(" | `").append(codes.sequence(s.units())).append("` |\n");
            }
            md.append("\nper position: ").append(codes.legend()).append('\n');
        }
        Map<String, Object> compute = r.training() != null && r.training().get("compute") instanceof Map<?, ?> m
                ? castMap(m) : null;
        md.append("\n---\n").append(r.backbone().name()).append(' ').append(r.backbone().version()).append(", ")
                .append(r.dataset().name()).append(' ').append(r.dataset().version()).append(" (manifest ")
                .append(r.dataset().manifestHash()).append(")").append(compute == null ? "" : ", " + compute).append('\n');
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
