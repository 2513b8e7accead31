package org.stfusion.reporters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;

/**
 * Several finished runs on one page: what each run found (best and named strategies), then for every unit
 * combination one chart with a bar per run at each fusion position, so that where the runs agree on temporal
 * fusion and where they differ can be read off. Positions are matched by name.
 */
final class ComparisonReport {
    private final List<RunResults> runs;
    private final List<String> names;

    ComparisonReport(List<RunResults> runs, List<String> names) {
        this.runs = runs;
        this.names = names;
    }

    String render() {
        String title = "stfusion: " + runs.size() + " runs compared";
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append(Html.pageStart(title)).append("<header><h1>").append(Html.escape(title)).append("</h1><p>")
                .append(Html.escape(String.join(", ", names))).append("</p></header>\n<main>\n");
        summary(h);
        List<String> positions = new ArrayList<>();
        Set<String> units = new LinkedHashSet<>();
        for (RunResults r : runs) {
            for (PositionMarginal p : r.positions()) {
                if (!positions.contains(p.name())) {
                    positions.add(p.name());
                }
            }
            units.addAll(MarginalColumns.of(r.positions()).units());
        }
        for (String unit : units) {
            List<Map<String, Double>> values = new ArrayList<>();
            for (RunResults r : runs) {
                Map<String, Double> byPosition = new LinkedHashMap<>();
                for (PositionMarginal p : r.positions()) {
                    Double v = MarginalColumns.value(p.unitMarginals(), unit);
                    if (v != null) {
                        byPosition.put(p.name(), v);
                    }
                }
                values.add(byPosition);
            }
            h.append("<section><h2>P(").append(Html.escape(unit)).append(") per fusion position</h2>");
            legend(h);
            h.append("<div class=\"scroll\">")
                    .append(SvgCharts.compared("unit-" + units.stream().toList().indexOf(unit), unit, positions, names, values))
                    .append("</div></section>\n");
        }
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private void summary(StringBuilder h) {
        h.append("<section><h2>The runs</h2><table><thead><tr><th>run</th><th>backbone</th><th>dataset</th>"
                + "<th>positions</th><th>scoring</th><th>best</th><th>all-S</th><th>all-ST</th><th>all-S+ST</th></tr></thead><tbody>");
        for (int i = 0; i < runs.size(); i++) {
            RunResults r = runs.get(i);
            h.append("<tr><th><span class=\"swatch u").append(i % 7).append("\"></span>").append(Html.escape(names.get(i)))
                    .append("</th><td>").append(Html.escape(r.backbone().name())).append("</td><td>")
                    .append(Html.escape(r.dataset().name())).append("</td><td>").append(r.positions().size())
                    .append("</td><td>").append(Html.escape(r.scoringProtocol().label())).append("</td><td>")
                    .append(r.best() == null ? "" : Html.escape(r.best().id()) + " " + Html.percent(r.best().top1()));
            for (String unit : List.of("S", "ST", "S+ST")) {
                StrategyResult s = r.named().get(unit);
                h.append("</td><td>").append(s == null ? "" : Html.percent(s.top1()));
            }
            h.append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private void legend(StringBuilder h) {
        h.append("<ul class=\"legend\">");
        for (int i = 0; i < names.size(); i++) {
            h.append("<li><span class=\"swatch u").append(i % 7).append("\"></span>").append(Html.escape(names.get(i))).append("</li>");
        }
        h.append("</ul>");
    }
}
