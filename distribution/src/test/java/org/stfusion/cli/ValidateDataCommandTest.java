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

    /** A list of frame folders: 3 good items, one missing folder, one unreadable JPEG, one line without a label. */
    @Test
    void badItemsAreListedWithReasonsAndTheExitCodeSaysSo(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) {
            Path folder = Files.createDirectories(dir.resolve("frames/v" + i));
            for (int t = 1; t <= 6; t++) {
                var image = new java.awt.image.BufferedImage(20, 20, java.awt.image.BufferedImage.TYPE_INT_RGB);
                image.setRGB(t, i, 0xff0000);
                javax.imageio.ImageIO.write(image, "jpg", folder.resolve(String.format("img_%05d.jpg", t)).toFile());
            }
        }
        Files.createDirectories(dir.resolve("frames/broken"));
        for (int t = 1; t <= 6; t++) {
            Files.writeString(dir.resolve("frames/broken").resolve(String.format("img_%05d.jpg", t)), "not a jpeg");
        }
        Files.writeString(dir.resolve("train.txt"), "frames/v0 6 0\nframes/v1 6 1\nframes/gone 6 0\nframes/v2 6\n");
        Files.writeString(dir.resolve("val.txt"), "frames/v2 6 1\nframes/broken 6 0\n");
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\n"
                + "dataset: {name: list, root: " + dir + ", train: train.txt, val: val.txt, classes: 2, format: frames,"
                + " frames: 4, size: 16}\n");
        Path report = dir.resolve("report.json");
        var r = StfusionCliTest.run("validate-data", config.toString(), "--report", report.toString(), "--workers", "2");
        assertEquals(StfusionCli.EXIT_BAD_DATA, r.code(), r.toString());
        assertTrue(r.out().contains("list train 4 entries: 2 readable, 1 rejected when listed, 1 unreadable"), r.out());
        assertTrue(r.out().contains("list val   2 entries: 1 readable, 0 rejected when listed, 1 unreadable"), r.out());
        assertTrue(r.out().contains("some items are bad; report: " + report), r.out());
        JsonNode root = new ObjectMapper().readTree(report.toFile());
        assertTrue(!root.at("/allGood").asBoolean());
        JsonNode train = root.at("/report/splits/0");
        assertTrue(train.at("/rejected/0/source").asText().endsWith("train.txt:4"), train.toString());
        assertTrue(train.at("/unreadable/0/source").asText().contains("gone"), train.toString());
        assertTrue(root.at("/report/splits/1/unreadable/0/source").asText().contains("broken"), root.toString());
        assertEquals(1, train.at("/perClass/0").asInt(), train.toString()); // v0; v2's line lacks its label
        assertEquals(1, train.at("/perClass/1").asInt(), train.toString()); // v1
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
