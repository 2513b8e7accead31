package org.stfusion.reporters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.StrategyResult;

/**
 * The report's charts as inline SVG: no script and no library, so the file opens anywhere, prints, and every
 * mark carries its numbers in a {@code <title>} (the browser shows it on hover, screen readers read it).
 * Units are told apart by colour and by a fill pattern or dash, never by colour alone; colours come from CSS
 * classes {@code u0, u1, …} so that light and dark mode can differ.
 */
final class SvgCharts {
    private static final int LEFT = 48;
    private static final int TOP = 16;
    /** Fill patterns drawn over the 2nd, 3rd, ... unit's colour: stripes and dots. */
    private static final String TEXTURES = "<defs>"
            + "<pattern id=\"tex1\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<line class=\"ink\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\"/></pattern>"
            + "<pattern id=\"tex2\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">"
            + "<circle class=\"ink\" cx=\"2\" cy=\"2\" r=\"0.8\"/></pattern></defs>";

    private SvgCharts() {
    }

    /**
     * The paper's Fig. 4: per fusion position a group of bars, the marginal of every unit combination, with the
     * best strategy's unit as a marked cell under each group and a line where a block ends.
     */
    static String marginals(List<PositionMarginal> positions, List<String> units, StrategyResult best) {
        // Groups fill about 1100 px when there are few positions, and stay readable (scrolling) when there are many.
        int group = Math.max(units.size() * 6 + 6, Math.min(72, 1100 / Math.max(1, positions.size())));
        int bar = Math.max(4, (group - 6) / Math.max(1, units.size()));
        int height = 220;
        int width = LEFT + positions.size() * group + 8;
        int markerY = TOP + height + 8;
        int labelsY = markerY + 26;
        Svg svg = new Svg(width, labelsY + 60, "fig4",
                "Marginal probability of each fusion unit at every fusion position" + (best == null ? "" : ", with the best sampled strategy " + best.id() + " marked below"));
        svg.add(TEXTURES);
        svg.yAxis(height, 1.0, "marginal");
        String previousBlock = null;
        for (int i = 0; i < positions.size(); i++) {
            PositionMarginal p = positions.get(i);
            int x0 = LEFT + i * group;
            String block = block(p.name());
            if (previousBlock != null && !block.equals(previousBlock)) {
                svg.add("<line class=\"block\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x0 - 1, TOP, x0 - 1, labelsY);
            }
            previousBlock = block;
            svg.add("<g class=\"position\" data-position=\"%s\">", Html.escape(p.name()));
            for (int u = 0; u < units.size(); u++) {
                Double v = MarginalColumns.value(p.unitMarginals(), units.get(u));
                if (v == null) {
                    continue;
                }
                double h = v * height;
                svg.add("<rect class=\"bar u%d\" data-unit=\"%s\" data-value=\"%s\" x=\"%d\" y=\"%s\" width=\"%d\" height=\"%s\">"
                                + "<title>%s %s: %s</title></rect>", u, Html.escape(units.get(u)), exact(v), x0 + 3 + u * bar,
                        num(TOP + height - h), bar - 1, num(h), Html.escape(p.name()), Html.escape(units.get(u)), Html.number(v, 3));
                if (u % 3 > 0) { // a texture as well as a colour, so units differ in print and for colour-blind readers
                    svg.add("<rect class=\"texture\" fill=\"url(#tex%d)\" x=\"%d\" y=\"%s\" width=\"%d\" height=\"%s\" "
                            + "pointer-events=\"none\"/>", u % 3, x0 + 3 + u * bar, num(TOP + height - h), bar - 1, num(h));
                }
            }
            if (best != null && i < best.units().size()) {
                String unit = best.units().get(i);
                int u = units.indexOf(unit);
                svg.add("<rect class=\"marker %s\" data-best=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\"><title>%s: %s in %s</title></rect>",
                        u >= 0 ? "u" + u : "none", Html.escape(unit), x0 + 2, markerY, group - 4, Html.escape(p.name()),
                        Html.escape(unit), Html.escape(best.id()));
                if (group >= 28) { // room for the unit's name in the cell
                    svg.add("<text class=\"marker-label\" x=\"%s\" y=\"%d\">%s</text>", num(x0 + group / 2.0), markerY + 11,
                            Html.escape(shortUnit(unit)));
                }
            }
            svg.add("</g>");
            svg.add("<text class=\"tick\" text-anchor=\"end\" transform=\"translate(%s,%d) rotate(-50)\">%s</text>",
                    num(x0 + group / 2.0 + 3), labelsY, Html.escape(p.name()));
        }
        if (best != null) {
            svg.add("<text class=\"axis-label\" x=\"4\" y=\"%d\">%s</text>", markerY + 11, Html.escape(best.id()));
        }
        return svg.close();
    }

    /**
     * One unit's marginal at every position for several runs: per position a group with a bar per run (absent
     * where a run has no such position), block boundaries as in {@link #marginals}.
     */
    static String compared(String id, String unit, List<String> positions, List<String> runs,
                           List<Map<String, Double>> valueByPosition) {
        int group = Math.max(runs.size() * 5 + 6, Math.min(72, 1100 / Math.max(1, positions.size())));
        int bar = Math.max(3, (group - 6) / Math.max(1, runs.size()));
        int height = 160;
        int labelsY = TOP + height + 12;
        Svg svg = new Svg(LEFT + positions.size() * group + 8, labelsY + 60, id,
                "Marginal of " + unit + " at every fusion position, one bar per run");
        svg.yAxis(height, 1.0, "P(" + unit + ")");
        String previousBlock = null;
        for (int i = 0; i < positions.size(); i++) {
            String position = positions.get(i);
            int x0 = LEFT + i * group;
            String block = block(position);
            if (previousBlock != null && !block.equals(previousBlock)) {
                svg.add("<line class=\"block\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x0 - 1, TOP, x0 - 1, labelsY);
            }
            previousBlock = block;
            svg.add("<g class=\"position\" data-position=\"%s\">", Html.escape(position));
            for (int r = 0; r < runs.size(); r++) {
                Double v = valueByPosition.get(r).get(position);
                if (v == null) {
                    continue;
                }
                double h = v * height;
                svg.add("<rect class=\"bar u%d\" data-run=\"%s\" data-value=\"%s\" x=\"%d\" y=\"%s\" width=\"%d\" height=\"%s\">"
                                + "<title>%s %s, %s: %s</title></rect>", r % 7, Html.escape(runs.get(r)), exact(v), x0 + 3 + r * bar,
                        num(TOP + height - h), bar - 1, num(h), Html.escape(position), Html.escape(unit), Html.escape(runs.get(r)),
                        Html.number(v, 3));
            }
            svg.add("</g>");
            svg.add("<text class=\"tick\" text-anchor=\"end\" transform=\"translate(%s,%d) rotate(-50)\">%s</text>",
                    num(x0 + group / 2.0 + 3), labelsY, Html.escape(position));
        }
        return svg.close();
    }

    /** Lines over epochs: {@code series} by name, each a y per x; {@code cls} gives each series its class. */
    static String lines(String id, String description, List<Integer> xs, Map<String, List<Double>> series,
                        Map<String, String> cls, double yMax, String yLabel, Integer stageBoundary) {
        int width = 640;
        int height = 180;
        Svg svg = new Svg(width, TOP + height + 36, id, description);
        svg.yAxis(height, yMax, yLabel);
        int xMin = xs.isEmpty() ? 0 : xs.get(0);
        int xMax = xs.isEmpty() ? 1 : Math.max(xs.get(xs.size() - 1), xMin + 1);
        double plot = width - LEFT - 12;
        java.util.function.IntToDoubleFunction xAt = x -> LEFT + plot * (x - xMin) / (xMax - xMin);
        if (stageBoundary != null) {
            double x = xAt.applyAsDouble(stageBoundary) - plot / (xMax - xMin) / 2;
            svg.add("<line class=\"block\" x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\"/>", num(x), TOP, num(x), TOP + height);
            svg.add("<text class=\"axis-label\" x=\"%s\" y=\"%d\">v-DropPath</text>", num(x + 4), TOP + 10);
        }
        for (var e : series.entrySet()) {
            StringBuilder points = new StringBuilder();
            List<Double> ys = e.getValue();
            for (int i = 0; i < xs.size() && i < ys.size(); i++) {
                if (ys.get(i) != null && Double.isFinite(ys.get(i))) {
                    points.append(num(xAt.applyAsDouble(xs.get(i)))).append(',')
                            .append(num(TOP + height - Math.min(ys.get(i), yMax) / yMax * height)).append(' ');
                }
            }
            svg.add("<polyline class=\"line %s\" points=\"%s\"><title>%s</title></polyline>", cls.getOrDefault(e.getKey(), "u0"),
                    points.toString().trim(), Html.escape(e.getKey() + ": " + lastValue(ys)));
        }
        for (int x : List.of(xMin, xMax)) {
            svg.add("<text class=\"tick\" x=\"%s\" y=\"%d\">%d</text>", num(xAt.applyAsDouble(x) - 3), TOP + height + 14, x);
        }
        svg.add("<text class=\"axis-label\" x=\"%d\" y=\"%d\">epoch</text>", width / 2, TOP + height + 30);
        return svg.close();
    }

    /** A histogram of sampled top-1 with a labelled line for each named strategy. */
    static String histogram(List<StrategyResult> sampled, Map<String, StrategyResult> named, Map<String, String> cls) {
        int width = 640;
        int height = 160;
        int bins = 20;
        double lo = 1;
        double hi = 0;
        List<Double> values = new ArrayList<>();
        sampled.stream().filter(s -> s.scoredItems() == null).forEach(s -> values.add(s.top1()));
        named.values().forEach(s -> values.add(s.top1()));
        for (double v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        lo = Math.max(0, Math.floor(lo * 20) / 20 - 0.05);
        hi = Math.min(1, Math.ceil(hi * 20) / 20 + 0.05);
        int[] counts = new int[bins];
        int max = 1;
        for (StrategyResult s : sampled) {
            if (s.scoredItems() == null) {
                int b = Math.min(bins - 1, (int) ((s.top1() - lo) / (hi - lo) * bins));
                max = Math.max(max, ++counts[b]);
            }
        }
        Svg svg = new Svg(width, TOP + height + 36, "histogram", "Histogram of the sampled strategies' top-1, "
                + "with all-S, all-ST and all-S+ST marked");
        max = (max + 3) / 4 * 4;
        svg.yAxis(height, max, "strategies", true);
        double plot = width - LEFT - 12;
        for (int b = 0; b < bins; b++) {
            double h = counts[b] / (double) max * height;
            double from = lo + (hi - lo) * b / bins;
            svg.add("<rect class=\"bar sampled\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"><title>top-1 %s–%s: %d strategies</title></rect>",
                    num(LEFT + plot * b / bins), num(TOP + height - h), num(plot / bins - 1), num(h),
                    Html.percent(from), Html.percent(from + (hi - lo) / bins), counts[b]);
        }
        int row = 0;
        for (var e : named.entrySet()) {
            double x = LEFT + plot * (e.getValue().top1() - lo) / (hi - lo);
            svg.add("<line class=\"named %s\" x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\"><title>all-%s: %s</title></line>",
                    cls.getOrDefault(e.getKey(), "u0"), num(x), TOP, num(x), TOP + height, Html.escape(e.getKey()),
                    Html.percent(e.getValue().top1()));
            boolean right = x > width * 0.8; // keep the label inside the chart
            svg.add("<text class=\"axis-label\" text-anchor=\"%s\" x=\"%s\" y=\"%d\">all-%s</text>", right ? "end" : "start",
                    num(right ? x - 3 : x + 3), TOP + 10 + 12 * row++, Html.escape(e.getKey()));
        }
        svg.add("<text class=\"tick\" x=\"%d\" y=\"%d\">%s</text>", LEFT, TOP + height + 14, Html.percent(lo));
        svg.add("<text class=\"tick\" x=\"%d\" y=\"%d\">%s</text>", width - 40, TOP + height + 14, Html.percent(hi));
        svg.add("<text class=\"axis-label\" x=\"%d\" y=\"%d\">validation top-1</text>", width / 2 - 40, TOP + height + 30);
        return svg.close();
    }

    /** Template top-1 (x) against standalone top-1 (y) of the rank check's strategies. */
    static String scatter(List<String> ids, List<double[]> xy) {
        int size = 240;
        double lo = 1;
        for (double[] p : xy) {
            lo = Math.min(lo, Math.min(p[0], p[1]));
        }
        lo = Math.max(0, Math.floor(lo * 10) / 10 - 0.05);
        double span = 1 - lo;
        Svg svg = new Svg(LEFT + size + 16, TOP + size + 36, "rank-check",
                "Rank check: each sampled strategy's top-1 in the template against its top-1 trained alone");
        svg.add("<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT, TOP, LEFT, TOP + size);
        svg.add("<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT, TOP + size, LEFT + size, TOP + size);
        svg.add("<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">100 %%</text>", LEFT - 4, TOP + 4);
        svg.add("<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT - 4, TOP + size, Html.percent(lo));
        svg.add("<text class=\"axis-label\" transform=\"translate(12,%d) rotate(-90)\">trained alone</text>", TOP + size / 2 + 30);
        svg.add("<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT, TOP + size, LEFT + size, TOP);
        for (int i = 0; i < xy.size(); i++) {
            double x = LEFT + size * (xy.get(i)[0] - lo) / span;
            double y = TOP + size - size * (xy.get(i)[1] - lo) / span;
            svg.add("<circle class=\"u0\" cx=\"%s\" cy=\"%s\" r=\"4\"><title>%s: template %s, alone %s</title></circle>",
                    num(x), num(y), Html.escape(ids.get(i)), Html.percent(xy.get(i)[0]), Html.percent(xy.get(i)[1]));
        }
        svg.add("<text class=\"tick\" x=\"%d\" y=\"%d\">%s</text>", LEFT, TOP + size + 14, Html.percent(lo));
        svg.add("<text class=\"tick\" x=\"%d\" y=\"%d\">100 %%</text>", LEFT + size - 30, TOP + size + 14);
        svg.add("<text class=\"axis-label\" x=\"%d\" y=\"%d\">in the template</text>", LEFT + size / 2 - 30, TOP + size + 30);
        return svg.close();
    }

    /** The block a position belongs to: its name up to the first dot (B2.L3 → B2; a transition T1 is its own). */
    static String block(String position) {
        int dot = position.indexOf('.');
        return dot < 0 ? position : position.substring(0, dot);
    }

    /** A unit's label inside a one-position cell: S, ST, S+ST fit as they are; longer names are cut. */
    static String shortUnit(String unit) {
        return unit.length() <= 4 ? unit : unit.substring(0, 3) + "…";
    }

    private static String lastValue(List<Double> ys) {
        for (int i = ys.size() - 1; i >= 0; i--) {
            if (ys.get(i) != null && Double.isFinite(ys.get(i))) {
                return Html.number(ys.get(i), 3) + " at the end";
            }
        }
        return "no values";
    }

    /** Full precision, for data attributes that tests and scripts compare with results.json. */
    private static String exact(double v) {
        return Double.toString(v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** One SVG element under construction. */
    private static final class Svg {
        private final StringBuilder out = new StringBuilder();
        private final int width;

        Svg(int width, int height, String id, String description) {
            this.width = width;
            out.append(String.format(Locale.ROOT, "<svg id=\"%s\" class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" "
                    + "width=\"%d\" height=\"%d\" aria-labelledby=\"%s-title\">"
                    + "<title id=\"%s-title\">%s</title>", id, width, height, width, height, id, id, Html.escape(description)));
        }

        void add(String format, Object... args) {
            out.append(String.format(Locale.ROOT, format, args)).append('\n');
        }

        void yAxis(int height, double max, String label) {
            yAxis(height, max, label, false);
        }

        /** With {@code counts}, ticks are whole numbers (the axis ends at a multiple of 4). */
        void yAxis(int height, double max, String label, boolean counts) {
            add("<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT, TOP, LEFT, TOP + height);
            for (int i = 0; i <= 4; i++) {
                double v = max * i / 4;
                double y = TOP + height - height * i / 4.0;
                add("<line class=\"grid\" x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\"/>", LEFT, num(y), width - 8, num(y));
                add("<text class=\"tick\" x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>", LEFT - 4, num(y + 4),
                        counts || max >= 10 ? String.valueOf(Math.round(v)) : Html.number(v, 2));
            }
            add("<text class=\"axis-label\" transform=\"translate(12,%d) rotate(-90)\">%s</text>", TOP + height / 2 + 20,
                    Html.escape(label));
        }

        String close() {
            return out.append("</svg>").toString();
        }
    }
}
