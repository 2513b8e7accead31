package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stfusion report}: reports again from results.json alone, also for a run the previous version made. */
class ReportCommandTest {
    @TempDir
    Path tmp;

    /** results.json (format 2: no scoring protocol, no drop rates per epoch) and config.yaml of the previous version. */
    private Path previousVersionRun() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("old-run"));
        for (String file : new String[] {"results.json", "config.yaml"}) {
            try (var in = getClass().getResourceAsStream("/previous-version-run/" + file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
        return dir;
    }

    @Test
    void rendersTheHtmlReportOfARunMadeByThePreviousVersion() throws Exception {
        Path dir = previousVersionRun();
        StfusionCliTest.Result r = StfusionCliTest.run("report", dir.toString());
        assertEquals(StfusionCli.EXIT_OK, r.code(), r.toString());
        assertTrue(r.out().contains("Reports: [console, json, html]"), "the run's own reporters, and html: " + r.out());
        assertTrue(r.out().contains("Opt ") && Files.isRegularFile(dir.resolve("marginals.csv")), r.out());
        String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
        assertEquals(8, Pattern.compile("<g class=\"position\"").matcher(html).results().count(), "one group per position");
        assertTrue(html.contains("the template's batch-norm statistics (the paper's protocol)"),
                "a run without a recorded protocol was scored the paper's way");
        assertTrue(html.contains("name: &quot;synthetic-motion&quot;"), "the run's configuration is shown");
        var svg = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("fig4.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName(), "fig4.svg is a well-formed SVG file");
        assertEquals(8, svg.getElementsByTagName("g").getLength());
    }

    @Test
    void otherReportersRenderToo() throws Exception {
        Path dir = previousVersionRun();
        Files.delete(dir.resolve("results.json").resolveSibling("config.yaml"));
        StfusionCliTest.Result r = StfusionCliTest.run("report", dir.toString(), "--reporters", "html,json");
        assertEquals(StfusionCli.EXIT_OK, r.code(), r.toString());
        assertTrue(Files.isRegularFile(dir.resolve("marginals.csv")) && Files.isRegularFile(dir.resolve("report.html")));
    }

    @Test
    void severalRunsAreComparedOnOnePage() throws Exception {
        Path first = previousVersionRun();
        Path second = Files.move(first, tmp.resolve("second"));
        Path firstAgain = previousVersionRun();
        Path out = tmp.resolve("compared");
        StfusionCliTest.Result r = StfusionCliTest.run("report", firstAgain.toString(), second.toString(), "--out", out.toString());
        assertEquals(StfusionCli.EXIT_OK, r.code(), r.toString());
        String html = Files.readString(out.resolve("comparison.html"), StandardCharsets.UTF_8);
        assertEquals(3 * 8, Pattern.compile("<g class=\"position\"").matcher(html).results().count(),
                "a chart per unit (S, ST, S+ST), a group per position");
        assertEquals(3 * 8 * 2, Pattern.compile("<rect class=\"bar u[01]\" data-run=").matcher(html).results().count(),
                "a bar per run in every group");
        assertTrue(html.contains("data-run=\"second\"") && html.contains("data-run=\"old-run\""), "runs named by directory");
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        String missing = StfusionCliTest.userError(StfusionCliTest.run("report", tmp.toString()));
        assertTrue(missing.contains("no results.json in " + tmp), missing);
        Path dir = previousVersionRun();
        String unknown = StfusionCliTest.userError(StfusionCliTest.run("report", dir.toString(), "--reporters", "pdf"));
        assertTrue(unknown.contains("pdf") && unknown.contains("html"), unknown);
        Files.writeString(dir.resolve("results.json"), "{ \"format\": ");
        String broken = StfusionCliTest.userError(StfusionCliTest.run("report", dir.toString()));
        assertTrue(broken.contains("cannot read " + dir.resolve("results.json")), broken);
    }
}
