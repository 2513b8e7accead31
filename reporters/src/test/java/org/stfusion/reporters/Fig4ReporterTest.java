package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;

class Fig4ReporterTest {
    @TempDir
    Path runDir;

    private void report(Map<String, Object> section) throws Exception {
        RunResults r = ReportFixtures.results();
        try (var reporter = new Fig4ReporterProvider().create(new PluginConfig("reporters[0]", section),
                new ReporterContext(runDir, System.out))) {
            reporter.onEvent(new RunEvent.RunFinished(r, runDir.toString(), 1));
        }
    }

    @Test
    void pngIsTheSvgRenderedAtTheScale() throws Exception {
        report(Map.of("name", "fig4", "format", "png", "scale", 2));
        BufferedImage png = ImageIO.read(runDir.resolve(Fig4Reporter.FIG4_PNG).toFile());
        var svg = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(new HtmlReport(ReportFixtures.results(), "t", null, null).fig4Svg()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))).getDocumentElement();
        assertEquals(2 * Integer.parseInt(svg.getAttribute("width")), png.getWidth());
        assertEquals(2 * Integer.parseInt(svg.getAttribute("height")), png.getHeight());
        int unitS = 0x4477aa;
        int unitSPlusSt = 0x228833;
        long s = 0;
        long both = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                int rgb = png.getRGB(x, y) & 0xffffff;
                s += rgb == unitS ? 1 : 0;
                both += rgb == unitSPlusSt ? 1 : 0;
            }
        }
        assertTrue(s > 500 && both > 100, "bars in the units' colours: " + s + " S pixels, " + both + " S+ST pixels");
        assertTrue(!Files.exists(runDir.resolve(HtmlReporter.FIG4_SVG)), "only what was asked for");
    }

    @Test
    void svgByDefaultAndOtherFormatsRefused() throws Exception {
        report(Map.of("name", "fig4"));
        assertTrue(Files.readString(runDir.resolve(HtmlReporter.FIG4_SVG)).startsWith("<?xml"));
        var e = assertThrows(ConfigException.class, () -> report(Map.of("name", "fig4", "format", "jpeg")));
        assertTrue(e.getMessage().contains("reporters[0].format") || e.toString().contains("format"), e.toString());
    }
}
