package org.stfusion.reporters;

/**
 * The HTML report's style sheet: unit colours from Paul Tol's colour-blind-safe "bright" scheme, a dark variant,
 * and a print layout. Units also differ by texture (bars) and dash (lines), so colour is never the only cue.
 */
final class ReportStyle {
    private ReportStyle() {
    }

    /** For the chart as a file of its own (slides, papers): fixed light colours, as tools other than browsers lack CSS variables. */
    static final String STANDALONE_SVG_CSS = """
            svg { font-size: 10px; font-family: sans-serif; background: #ffffff; } text { fill: #1b1b1b; } .tick, .axis-label { fill: #5a5a5a; }
            .axis { stroke: #5a5a5a; } .grid { stroke: #e3e3e3; } .block { stroke: #5a5a5a; stroke-dasharray: 3 3; }
            .ink { stroke: rgba(0,0,0,.55); fill: rgba(0,0,0,.55); stroke-width: 1.2; }
            .marker-label { text-anchor: middle; font-size: 8px; fill: #ffffff; }
            .u0 { fill: #4477aa; } .u1 { fill: #ee6677; } .u2 { fill: #228833; } .u3 { fill: #ccbb44; }
            .u4 { fill: #66ccee; } .u5 { fill: #aa3377; } .u6 { fill: #bbbbbb; } .none { fill: #e3e3e3; }
            """;

    static final String CSS = """
            :root { --bg: #ffffff; --fg: #1b1b1b; --muted: #5a5a5a; --grid: #e3e3e3; --ink: rgba(0,0,0,.55);
              --u0: #4477aa; --u1: #ee6677; --u2: #228833; --u3: #ccbb44; --u4: #66ccee; --u5: #aa3377; --u6: #bbbbbb; }
            @media (prefers-color-scheme: dark) {
              :root { --bg: #16181c; --fg: #e8e8e8; --muted: #a8a8a8; --grid: #2e3238; --ink: rgba(255,255,255,.6);
                --u0: #6b9bd1; --u1: #f08a98; --u2: #4cb35a; --u3: #ddcc66; --u4: #88ddf5; --u5: #cc5599; --u6: #999999; } }
            body { background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
              margin: 0 auto; max-width: 1280px; padding: 0 20px 40px; }
            h1 { font-size: 1.5em; margin: 24px 0 4px; } h2 { font-size: 1.15em; margin: 28px 0 6px; }
            p { margin: 4px 0 8px; color: var(--muted); } header p { color: var(--fg); }
            table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
            th, td { padding: 3px 10px 3px 0; text-align: left; border-bottom: 1px solid var(--grid); }
            td { text-align: right; } table.facts td, td.strip { text-align: left; }
            .scroll { overflow-x: auto; }
            svg.chart { max-width: none; display: block; font-size: 10px; }
            svg text { fill: var(--fg); } .tick { fill: var(--muted); } .axis-label { fill: var(--muted); }
            .axis { stroke: var(--muted); } .grid { stroke: var(--grid); } .block { stroke: var(--muted); stroke-dasharray: 3 3; }
            .ink { stroke: var(--ink); fill: var(--ink); stroke-width: 1.2; }
            rect.bar:hover, rect.marker:hover { stroke: var(--fg); stroke-width: 1; }
            .marker-label { text-anchor: middle; font-size: 8px; fill: #fff; pointer-events: none; }
            .bar.sampled { fill: var(--u6); }
            .u0 { fill: var(--u0); background: var(--u0); stroke: var(--u0); } .u1 { fill: var(--u1); background: var(--u1); stroke: var(--u1); }
            .u2 { fill: var(--u2); background: var(--u2); stroke: var(--u2); } .u3 { fill: var(--u3); background: var(--u3); stroke: var(--u3); }
            .u4 { fill: var(--u4); background: var(--u4); stroke: var(--u4); } .u5 { fill: var(--u5); background: var(--u5); stroke: var(--u5); }
            .u6 { fill: var(--u6); background: var(--u6); stroke: var(--u6); } .none { fill: var(--grid); background: var(--grid); }
            rect.bar, rect.marker { stroke: none; }
            polyline.line { fill: none; stroke-width: 1.2; opacity: .75; }
            polyline.u1, line.named.u1 { stroke-dasharray: 5 2; } polyline.u2, line.named.u2 { stroke-dasharray: 2 2; }
            line.named { stroke-width: 2; }
            ul.legend { list-style: none; padding: 0; margin: 4px 0; display: flex; gap: 16px; }
            .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
            table.strips .strip { white-space: nowrap; }
            .cell { display: inline-block; min-width: 2.3em; font-size: 10px; text-align: center; color: #fff; margin-right: 1px; }
            tr.gap td { text-align: center; color: var(--muted); }
            details { margin: 6px 0; } pre { overflow-x: auto; font-size: 12px; }
            @media print { :root { --bg: #fff; --fg: #000; --muted: #333; --grid: #ccc; }
              body { max-width: none; } .scroll { overflow: visible; } details > *:not(summary) { display: block; }
              section { break-inside: avoid; } }
            """;
}
