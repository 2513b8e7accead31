package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stfusion validate-data}: the report, the console summary and the exit code. */
class ValidateDataCommandTest {

    @Test
    void cleanDataExitsZeroAndCountsEveryClass(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\n"
                + "dataset: {name: synthetic, task: appearance, classes: 3, trainSize: 12, valSize: 6, frames: 4, size: 16}\n");
        Path report = dir.resolve("out/report.json");
        var r = StfusionCliTest.run("validate-data", config.toString(), "--report", report.toString());
        assertEquals(StfusionCli.EXIT_OK, r.code(), r.toString());
        assertTrue(r.out().contains("synthetic train 12 entries: 12 readable, 0 rejected when listed, 0 unreadable"), r.out());
        assertTrue(r.out().contains("all items are usable; report: " + report), r.out());
        JsonNode root = new ObjectMapper().readTree(report.toFile());
        assertTrue(root.at("/allGood").asBoolean());
        JsonNode train = root.at("/report/splits/0");
        assertEquals("train", train.at("/split").asText());
        int sum = 0;
        for (JsonNode n : train.at("/perClass")) {
            sum += n.asInt();
        }
        assertEquals(12, sum);
        assertEquals(3, train.at("/perClass").size());
        assertEquals(18, root.at("/report/clipsDecoded").asInt());
    }

    @Test
    void aDatasetThatCannotOpenIsOneUserError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\n"
                + "dataset: {name: synthetic, clases: 3}\n");
        String msg = StfusionCliTest.userError(StfusionCliTest.run("validate-data", config.toString(),
                "--report", dir.resolve("r.json").toString()));
        assertTrue(msg.contains("dataset.clases"), msg);
        assertTrue(Files.notExists(dir.resolve("r.json")));
    }
}
