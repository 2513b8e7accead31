package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The study section of report.html: Table 2 and the rank check with tau-b and its interval per scoring protocol. */
class HtmlStudySectionTest {

    @Test
    void rankCheckShowsTauAndItsIntervalForEachProtocol() {
        Map<String, Object> tau = new LinkedHashMap<>();
        tau.put("recalibrated", Map.of("tau", -0.252, "low", -0.711, "high", 0.363, "points", 12, "resamples", 1999));
        Map<String, Object> templateTau = new LinkedHashMap<>();
        templateTau.put("tau", 0.234);
        templateTau.put("low", null);
        templateTau.put("high", null);
        tau.put("template", templateTau);
        String html = new HtmlReport(ReportFixtures.results(), "t", null, study(tau)).render();
        assertTrue(html.contains("<tr><th>recalibrated</th><td>-0.252</td><td>[-0.711, 0.363]</td></tr>"), html);
        assertTrue(html.contains("<tr><th>template</th><td>0.234</td><td>undefined (ties)</td></tr>"), html);
        assertTrue(html.contains("Kendall's tau-b -0.252"), "the run protocol's tau in the sentence");
    }

    @Test
    void olderStudiesWithoutIntervalsStillRender() {
        String html = new HtmlReport(ReportFixtures.results(), "t", null, study(null)).render();
        assertTrue(html.contains("Rank check: 2 sampled strategies"), html);
        assertFalse(html.contains("95% bootstrap interval"), "no interval table without rankCorrelation");
    }

    private static Map<String, Object> study(Map<String, Object> rankCorrelation) {
        Map<String, Object> study = new LinkedHashMap<>();
        study.put("rows", List.of(Map.of("name", "S", "parameters", 10, "macsPerClip", 1000, "top1", 0.44,
                "templateTop1", 0.485)));
        study.put("rankCheck", List.of(Map.of("id", "s001", "templateTop1", 0.965, "standaloneTop1", 0.97),
                Map.of("id", "s050", "templateTop1", 0.525, "standaloneTop1", 0.98)));
        study.put("kendallTau", -0.252);
        study.put("epochs", 36);
        if (rankCorrelation != null) {
            study.put("rankCorrelation", rankCorrelation);
        }
        return study;
    }
}
