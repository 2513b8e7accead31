package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;

class MarkdownSummaryTest {
    @TempDir
    Path runDir;

    @Test
    void summaryHoldsTheChartAndTheNumbersOfTheResults() throws Exception {
        RunResults r = ReportFixtures.results();
        try (MarkdownReporter reporter = new MarkdownReporter(runDir)) {
            reporter.onEvent(new RunEvent.RunFinished(r, runDir.toString(), 1));
        }
        String md = Files.readString(runDir.resolve(MarkdownReporter.SUMMARY_MD));
        assertTrue(md.contains("](fig4.svg)"), md);
        assertTrue(Files.readString(runDir.resolve(HtmlReporter.FIG4_SVG)).contains("data-position=\"T1\""));
        List<String> lines = md.lines().toList();
        assertTrue(lines.contains("| strategy | top-1 | top-1, recalibrated BN | top-1, template BN | GMACs per clip |"), md);
        assertTrue(lines.contains("| all-S | 80.0 % | 80.0 % | 50.0 % | 0.060 |"), md);
        assertTrue(lines.contains("| best: s0042 | 91.2 % | 91.2 % | 91.0 % | 0.123 |"), md);
        for (int i = 0; i < r.positions().size(); i++) {
            PositionMarginal p = r.positions().get(i);
            String row = "| " + p.name() + " | " + Html.number(p.unitMarginals().get("S"), 3) + " | "
                    + Html.number(p.unitMarginals().get("ST"), 3) + " | " + Html.number(p.unitMarginals().get("S+ST"), 3)
                    + " | " + r.best().units().get(i) + " |";
            assertTrue(lines.contains(row), row + "\n" + md);
        }
        assertEquals(1, lines.stream().filter(l -> l.startsWith("| s0042 | 91.2 % |")).count(), md);
    }
}
