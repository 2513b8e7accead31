package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --workload scoring}: in this build (no Spark) the local setting alone, as one JSON line with a
 * finite rate and its scores identical to themselves; asking for Spark is one line saying how to get it.
 */
class ScoringWorkloadTest {

    @Test
    void theLocalSettingIsOneJsonLine() throws Exception {
        var r = StfusionCliTest.run("bench", "--workload", "scoring", "--engine", "local", "--strategies", "3",
                "--val-size", "8", "--json");
        assertEquals(0, r.code(), r.toString());
        var lines = r.out().strip().lines().toList();
        assertEquals(1, lines.size(), r.out());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertEquals("score", line.get("mode").asText());
        assertEquals("scoring", line.get("workload").asText());
        assertEquals("local", line.get("engine").asText());
        assertEquals(3, line.get("strategies").asInt());
        double rate = line.get("strategies_per_s").asDouble();
        assertTrue(rate > 0 && Double.isFinite(rate), line.toString());
        assertTrue(line.get("identical").asBoolean());
    }

    @Test
    void sparkWithoutTheSparkFlavourIsOneLine() {
        String msg = StfusionCliTest.userError(StfusionCliTest.run("bench", "--workload", "scoring", "--engine", "spark"));
        assertTrue(msg.startsWith("stfusion: execution.engine: spark is not installed here"), msg);
        msg = StfusionCliTest.userError(StfusionCliTest.run("bench", "--workload", "scoring", "--engine", "samediff"));
        assertEquals("stfusion: --engine: the scoring workload runs on local or spark, got 'samediff'", msg);
    }
}
