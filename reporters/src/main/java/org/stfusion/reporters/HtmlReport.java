package org.stfusion.reporters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;

/**
 * One run as a self-contained HTML page: the paper's Fig. 4 (unit marginals per fusion position with the best
 * strategy under them), drop rates and learning curves over the epochs, the sampled strategies' top-1, the best
 * and worst strategies as unit strips, and where the numbers came from. No script, no external resource.
 */
final class HtmlReport {
    private static final int STRIPS = 10;

    private final RunResults r;
    private final String title;
    private final String config;
    private final Map<String, Object> study;
    private final List<String> units;
    private final Map<String, String> unitClass = new LinkedHashMap<>();

    /**
     * {@code config} is the run's merged configuration file, shown as is; {@code study} the run's study.json as
     * read from JSON (each null when there is none).
     */
    HtmlReport(RunResults results, String title, String config, Map<String, Object> study) {
        this.r = results;
        this.title = title;
        this.config = config;
        this.study = study;
        MarginalColumns columns = MarginalColumns.of(results.positions());
        this.units = columns.units();
        for (String u : columns.units()) {
            unitClass.put(u, "u" + unitClass.size());
        }
        for (String p : columns.paths()) {
            unitClass.computeIfAbsent(p, k -> "u" + unitClass.size());
        }
    }

    /** The Fig. 4 chart as a standalone SVG file, with a legend. */
    String fig4Svg() {
        String chart = SvgCharts.marginals(r.positions(), units, r.best());
        StringBuilder legend = new StringBuilder();
        for (int u = 0; u < units.size(); u++) {
            legend.append(String.format(java.util.Locale.ROOT, "<rect class=\"u%d\" x=\"%d\" y=\"2\" width=\"10\" height=\"10\"/>"
                    + "<text x=\"%d\" y=\"11\">%s</text>", u, 60 + 70 * u, 74 + 70 * u, Html.escape(units.get(u))));
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ")
                .replaceFirst("(<title id=\"fig4-title\">[^<]*</title>)", "$1<style>" + ReportStyle.STANDALONE_SVG_CSS
                        .replace("\n", " ") + "</style>" + legend.toString().replace("$", "\\$"));
    }

    String render() {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append(Html.pageStart(title));
        h.append("<header><h1>").append(Html.escape(title)).append("</h1><p>").append(summary()).append("</p></header>\n<main>\n");
        fig4(h);
        named(h);
        h.append("<section><h2>Sampled strategies</h2>")
                .append(SvgCharts.histogram(r.strategies(), r.named(), unitClass)).append("</section>\n");
        strips(h);
        study(h);
        dropRates(h);
        curves(h);
        provenance(h);
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private String summary() {
        return Html.escape(r.backbone().name()) + " on " + Html.escape(r.dataset().name()) + ": "
                + r.positions().size() + " fusion positions, " + String.format("%,d", r.parameters()) + " parameters, "
                + r.strategies().size() + " sampled strategies scored with " + Html.escape(r.scoringProtocol().describe()) + ".";
    }

    private void fig4(StringBuilder h) {
        h.append("<section><h2>Where temporal fusion pays: marginals per fusion position</h2>")
                .append("<p>Bars: the probability of each unit at each position (kept = 1 − √p per path). ")
                .append(r.best() == null ? "" : "Cells below: the best sampled strategy, " + Html.escape(r.best().id())
                        + " (" + Html.percent(r.best().top1()) + "). ")
                .append("Vertical lines separate blocks. Hover a bar for its value.</p>");
        legend(h, units);
        h.append("<div class=\"scroll\">").append(SvgCharts.marginals(r.positions(), units, r.best())).append("</div>");
        h.append("<details><summary>The numbers</summary><table><thead><tr><th>position</th>");
        units.forEach(u -> h.append("<th>").append(Html.escape(u)).append("</th>"));
        if (r.best() != null) {
            h.append("<th>best</th>");
        }
        h.append("</tr></thead><tbody>");
        for (int i = 0; i < r.positions().size(); i++) {
            PositionMarginal p = r.positions().get(i);
            h.append("<tr><th>").append(Html.escape(p.name())).append("</th>");
            for (String u : units) {
                Double v = MarginalColumns.value(p.unitMarginals(), u);
                h.append("<td>").append(v == null ? "" : Html.number(v, 3)).append("</td>");
            }
            if (r.best() != null) {
                h.append("<td>").append(i < r.best().units().size() ? Html.escape(r.best().units().get(i)) : "").append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</tbody></table></details></section>\n");
    }

    private void legend(StringBuilder h, List<String> names) {
        h.append("<ul class=\"legend\">");
        for (String n : names) {
            h.append("<li><span class=\"swatch ").append(unitClass.get(n)).append("\"></span>").append(Html.escape(n)).append("</li>");
        }
        h.append("</ul>");
    }

    private void named(StringBuilder h) {
        h.append("<section><h2>Named strategies and the best</h2><table><thead><tr><th>strategy</th><th>top-1</th>");
        List<String> protocols = new ArrayList<>();
        List<StrategyResult> rows = new ArrayList<>(r.named().values());
        if (r.best() != null) {
            rows.add(r.best());
        }
        rows.stream().filter(s -> s.top1ByProtocol() != null).findFirst()
                .ifPresent(s -> s.top1ByProtocol().keySet().forEach(protocols::add));
        protocols.forEach(p -> h.append("<th>top-1, ").append(Html.escape(p)).append(" BN</th>"));
        boolean heldOut = rows.stream().anyMatch(s -> s.heldOutTop1() != null);
        if (heldOut) {
            h.append("<th title=\"validation items not used to choose the best\">top-1, held-out items</th>");
        }
        h.append("<th>GMACs per clip</th></tr></thead><tbody>");
        for (StrategyResult s : rows) {
            String name = s == r.best() ? "best: " + s.id() : "all-" + s.id();
            h.append("<tr><th>").append(Html.escape(name)).append("</th><td>").append(Html.percent(s.top1())).append("</td>");
            for (String p : protocols) {
                Double v = s.top1Under(p);
                h.append("<td>").append(v == null ? "" : Html.percent(v)).append("</td>");
            }
            if (heldOut) {
                h.append("<td>").append(s.heldOutTop1() == null ? "" : Html.percent(s.heldOutTop1())).append("</td>");
            }
            h.append("<td>").append(Html.number(s.macsPerClip() / 1e9, 3)).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private void strips(StringBuilder h) {
        List<StrategyResult> whole = r.strategies().stream().filter(s -> s.scoredItems() == null).toList();
        if (whole.isEmpty()) {
            return;
        }
        h.append("<section><h2>Best and worst sampled strategies</h2><p>One cell per fusion position, in network order.</p>");
        legend(h, units);
        h.append("<div class=\"scroll\"><table class=\"strips\"><thead><tr><th>strategy</th><th>top-1</th><th>units</th></tr></thead><tbody>");
        int n = whole.size();
        for (int i = 0; i < n; i++) {
            if (i == STRIPS && n > 2 * STRIPS) {
                h.append("<tr class=\"gap\"><td colspan=\"3\">… ").append(n - 2 * STRIPS).append(" more …</td></tr>");
                i = n - STRIPS;
            }
            StrategyResult s = whole.get(i);
            h.append("<tr><th>").append(Html.escape(s.id())).append("</th><td>").append(Html.percent(s.top1()))
                    .append("</td><td class=\"strip\">");
            for (int p = 0; p < s.units().size(); p++) {
                String unit = s.units().get(p);
                String position = p < r.positions().size() ? r.positions().get(p).name() : "";
                h.append("<span class=\"cell ").append(unitClass.getOrDefault(unit, "none")).append("\" title=\"")
                        .append(Html.escape(position + ": " + unit)).append("\">").append(Html.escape(SvgCharts.shortUnit(unit)))
                        .append("</span>");
            }
            h.append("</td></tr>");
        }
        h.append("</tbody></table></div></section>\n");
    }

    @SuppressWarnings("unchecked")
    private void study(StringBuilder h) {
        if (study == null || !(study.get("rows") instanceof List<?> rows)) {
            return;
        }
        Object start = study.get("start") == null ? "from scratch" : study.get("start");
        h.append("<section><h2>Trained alone (the paper's Table 2)</h2><p>Each network trained alone with the same "
                + "budget (").append(Html.escape(String.valueOf(study.get("epochs")))).append(" epochs, ")
                .append(Html.escape(String.valueOf(start))).append("), beside its score "
                + "with the template's weights.</p><table><thead><tr><th>network</th><th>parameters</th><th>GMACs per clip</th>"
                + "<th>top-1 trained alone</th><th>top-1 in the template</th></tr></thead><tbody>");
        for (Object o : rows) {
            Map<String, Object> row = (Map<String, Object>) o;
            h.append("<tr><th>").append(Html.escape(String.valueOf(row.get("name")))).append("</th><td>")
                    .append(String.format("%,d", (long) number(row.get("parameters")))).append("</td><td>")
                    .append(Html.number(number(row.get("macsPerClip")) / 1e9, 3)).append("</td><td>")
                    .append(Html.percent(number(row.get("top1")))).append("</td><td>")
                    .append(row.get("templateTop1") == null ? "" : Html.percent(number(row.get("templateTop1"))))
                    .append("</td></tr>");
        }
        h.append("</tbody></table>");
        if (study.get("rankCheck") instanceof List<?> points && !points.isEmpty()) {
            List<double[]> xy = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (Object o : points) {
                Map<String, Object> p = (Map<String, Object>) o;
                xy.add(new double[] {number(p.get("templateTop1")), number(p.get("standaloneTop1"))});
                ids.add(String.valueOf(p.get("id")));
            }
            Object tau = study.get("kendallTau");
            h.append("<p>Rank check: ").append(points.size()).append(" sampled strategies spread over the template's "
                    + "ranking, scored in the template and trained alone; Kendall's tau-b ").append(tau instanceof Number n
                    ? Html.number(n.doubleValue(), 3) : "undefined (ties)").append(".</p>");
            if (study.get("rankCorrelation") instanceof Map<?, ?> byProtocol && !byProtocol.isEmpty()) {
                h.append("<table><thead><tr><th>template scored with</th><th>tau-b</th><th>95% bootstrap interval</th>"
                        + "</tr></thead><tbody>");
                for (var e : byProtocol.entrySet()) {
                    Map<String, Object> t = (Map<String, Object>) e.getValue();
                    h.append("<tr><th>").append(Html.escape(String.valueOf(e.getKey()))).append("</th><td>")
                            .append(Html.number(number(t.get("tau")), 3)).append("</td><td>")
                            .append(t.get("low") == null ? "undefined (ties)" : "[" + Html.number(number(t.get("low")), 3)
                                    + ", " + Html.number(number(t.get("high")), 3) + "]").append("</td></tr>");
                }
                h.append("</tbody></table>");
            }
            h.append(SvgCharts.scatter(ids, xy));
        }
        h.append("</section>\n");
    }

    @SuppressWarnings("unchecked")
    private void dropRates(StringBuilder h) {
        List<Map<String, Object>> vdp = history().stream().filter(e -> "vdp".equals(e.get("stage")) && e.get("drop") instanceof Map).toList();
        if (vdp.isEmpty()) {
            return;
        }
        List<Integer> xs = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        Map<String, String> cls = new LinkedHashMap<>();
        double max = 0;
        for (Map<String, Object> e : vdp) {
            xs.add(((Number) e.get("epoch")).intValue());
            for (var pos : ((Map<String, Map<String, Number>>) e.get("drop")).entrySet()) {
                for (var gate : pos.getValue().entrySet()) {
                    String name = pos.getKey() + " " + gate.getKey();
                    double p = gate.getValue().doubleValue();
                    series.computeIfAbsent(name, k -> new ArrayList<>()).add(p);
                    cls.put(name, unitClass.getOrDefault(gate.getKey().replaceAll("@.*", ""), "u6"));
                    max = Math.max(max, p);
                }
            }
        }
        h.append("<section><h2>Drop rates over the v-DropPath epochs</h2><p>One line per gated path, coloured (and dashed) by its unit.</p>");
        legend(h, MarginalColumns.of(r.positions()).paths());
        h.append(SvgCharts.lines("drop-rates", "Drop rate p of every gated path over the v-DropPath epochs", xs, series, cls,
                Math.min(1, Math.ceil(max * 10) / 10 + 0.05), "p", null)).append("</section>\n");
    }

    private void curves(StringBuilder h) {
        List<Map<String, Object>> history = history();
        if (history.isEmpty()) {
            return;
        }
        List<Integer> xs = new ArrayList<>();
        Map<String, List<Double>> loss = new LinkedHashMap<>();
        Map<String, List<Double>> top1 = new LinkedHashMap<>();
        Integer boundary = null;
        double maxLoss = 0;
        for (int i = 0; i < history.size(); i++) {
            Map<String, Object> e = history.get(i);
            xs.add(i + 1);
            if (boundary == null && "vdp".equals(e.get("stage"))) {
                boundary = i + 1;
            }
            double l = number(e.get("trainLoss"));
            maxLoss = Double.isFinite(l) ? Math.max(maxLoss, l) : maxLoss;
            loss.computeIfAbsent("training loss", k -> new ArrayList<>()).add(l);
            top1.computeIfAbsent("training top-1", k -> new ArrayList<>()).add(number(e.get("trainTop1")));
            top1.computeIfAbsent("validation top-1", k -> new ArrayList<>()).add(number(e.get("valTop1")));
        }
        Map<String, String> cls = Map.of("training loss", "u0", "training top-1", "u0", "validation top-1", "u1");
        h.append("<section><h2>Training</h2><p>Warm-up, then v-DropPath (the line marks where it starts); validation "
                + "top-1 is the template with every path kept.</p>");
        h.append(SvgCharts.lines("loss", "Training loss per epoch of both stages", xs, loss, cls,
                        maxLoss > 0 ? maxLoss * 1.05 : 1, "loss", boundary))
                .append(SvgCharts.lines("accuracy", "Training and validation top-1 per epoch of both stages", xs, top1, cls,
                        1, "top-1", boundary))
                .append("<p class=\"key\"><span class=\"swatch u0\"></span>training <span class=\"swatch u1\"></span>validation</p></section>\n");
    }

    private void provenance(StringBuilder h) {
        h.append("<section><h2>Provenance</h2><table class=\"facts\"><tbody>");
        fact(h, "backbone", r.backbone().name() + " " + r.backbone().version());
        var d = r.dataset();
        fact(h, "dataset", d.name() + " " + d.version() + ": " + d.trainItems() + " training, " + d.valItems()
                + " validation clips, " + d.classes().size() + " classes");
        fact(h, "dataset manifest hash", String.valueOf(d.manifestHash()));
        if (d.badItems() != null) {
            d.badItems().forEach((split, items) -> fact(h, "bad items (" + split + ")", String.valueOf(items.size())));
        }
        fact(h, "fusion units", String.join(", ", r.fusionUnits().stream().map(u -> u.name() + " " + u.version()).toList()));
        fact(h, "parameters, template MACs per clip", String.format("%,d, %,d", r.parameters(), r.templateMacsPerClip()));
        fact(h, "scoring", r.scoringProtocol().describe());
        Map<String, Object> t = r.training() == null ? Map.of() : r.training();
        if (t.get("initialisation") instanceof Map<?, ?> init) {
            fact(h, "initial weights", "inflated".equals(init.get("mode"))
                    ? "inflated from " + init.get("file") + " (sha256 " + init.get("sha256") + "), left at initialisation: "
                    + init.get("leftAtInitialisation") : "from scratch (random)");
        }
        for (String key : List.of("seed", "samplingSeed", "warmupEpochs", "vdpEpochs", "batchSize", "regulariser", "compute")) {
            if (t.containsKey(key)) {
                fact(h, key, String.valueOf(t.get(key)));
            }
        }
        double seconds = history().stream().mapToDouble(e -> number(e.get("seconds"))).filter(Double::isFinite).sum();
        fact(h, "training time", Html.number(seconds, 1) + " s");
        h.append("</tbody></table>");
        if (config != null) {
            h.append("<details><summary>Configuration (config.yaml)</summary><pre>").append(Html.escape(config)).append("</pre></details>");
        }
        h.append("</section>\n");
    }

    private static void fact(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(Html.escape(key)).append("</th><td>").append(Html.escape(value)).append("</td></tr>");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> history() {
        Object h = r.training() == null ? null : r.training().get("history");
        return h instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
