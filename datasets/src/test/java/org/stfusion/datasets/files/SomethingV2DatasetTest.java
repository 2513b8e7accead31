package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.datasets.files.Configs.assertKeyError;
import static org.stfusion.datasets.files.Configs.map;
import static org.stfusion.datasets.files.Configs.open;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.testkit.DatasetConformance;

/**
 * A miniature Something-Something V2: VP9 WebM videos {@code <id>.webm} and the JSON label and split files of the
 * current download ({@code labels/labels.json}, {@code train.json}, {@code validation.json}).
 */
class SomethingV2DatasetTest {
    private static final SomethingV2DatasetProvider PROVIDER = new SomethingV2DatasetProvider();
    private static final String LABELS = """
            {
             "Pushing something from left to right": "1",
             "Holding something next to something": "2",
             "Pushing something from right to left": 0
            }
            """;

    @TempDir
    Path dir;
    private Path videos;
    private Path labels;

    @BeforeEach
    void writeMiniatureSomethingV2() throws IOException {
        videos = dir.resolve("20bn-something-something-v2");
        labels = dir.resolve("labels");
        for (String id : List.of("11", "12", "13", "21")) {
            MiniMedia.writeVideo(videos.resolve(id + ".webm"), 12, Color.RED);
        }
        MiniMedia.write(labels.resolve("labels.json"), LABELS);
        MiniMedia.write(labels.resolve("train.json"), """
                [
                {"id":"11","label":"pushing a cup from left to right","template":"Pushing [something] from left to right","placeholders":["a cup"]},
                {"id":"12","label":"holding potato next to vicks vaporub bottle","template":"Holding [something] next to [something]","placeholders":["potato","vicks vaporub bottle"]},
                {"id":13,"label":"pushing pen from right to left","template":"Pushing [something] from right to left","placeholders":["pen"]}
                ]
                """);
        // One line, as some copies have it: entries are told apart by line and column.
        MiniMedia.write(labels.resolve("validation.json"),
                "[{\"id\":\"21\",\"template\":\"Pushing [something] from right to left\"}]\n");
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> values = map("name", "ssv2", "root", videos.toString(), "annotations", labels.toString(),
                "frames", 4, "stride", 2, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void theClassIsTheTemplateWithoutBracketsIndexedByTheLabelFile() {
        Dataset dataset = open(PROVIDER, config());
        assertEquals(List.of("Pushing something from right to left", "Pushing something from left to right",
                "Holding something next to something"), dataset.classNames());
        assertEquals(3, dataset.size(Split.TRAIN));
        assertEquals(1, dataset.size(Split.VALIDATION));
        int[] expected = {1, 2, 0};
        for (int i = 0; i < 3; i++) {
            Clip clip = dataset.clip(Split.TRAIN, i, 3);
            assertEquals(String.valueOf(11 + i), clip.id(), "numeric ids are read as text");
            assertEquals(expected[i], clip.label(), clip.id());
            ListDatasetTest.assertNormalisedClip(clip, 4, 32);
        }
        Clip validation = dataset.clip(Split.VALIDATION, 0, 0);
        assertEquals("21", validation.id());
        assertEquals(0, validation.label());
    }

    @Test
    void badEntriesAreLeftOutNamingFileLineAndColumn() throws IOException {
        Path train = MiniMedia.write(labels.resolve("train.json"), "[\n"
                + "{\"id\":\"11\",\"template\":\"Pushing [something] from left to right\"},\n"
                + "{\"id\":\"12\"},\n"
                + "{\"id\":\"13\",\"template\":\"Spinning [something]\"},\n"
                + "{\"template\":\"Pushing [something] from left to right\"},\n"
                + "7, null, {\"id\":\"../../etc/passwd\",\"template\":\"Pushing [something] from left to right\"}\n"
                + "]\n");
        Dataset dataset = open(PROVIDER, config());
        assertEquals(1, dataset.size(Split.TRAIN));
        ListDatasetTest.assertRejected(dataset.rejected(Split.TRAIN), List.of(
                train + ":3:1 id 12: no \"template\"",
                train + ":4:1 id 13: template 'Spinning [something]' is not a class of the label file",
                train + ":5:1 no \"id\"",
                train + ":6:1 expected an object",
                train + ":6:4 expected an object",
                train + ":6:10 leaves the dataset root"));
    }

    @Test
    void badLabelFilesAndInvalidJsonMakeTheDatasetUnusable() throws IOException {
        MiniMedia.write(labels.resolve("labels.json"), "{\"a\": \"0\", \"b\": \"0\", \"c\": \"2\"}");
        assertDataError("labels.json", "share index 0");
        MiniMedia.write(labels.resolve("labels.json"), "{\"a\": \"0\", \"b\": \"3\"}");
        assertDataError("labels.json", "has index \"3\"");
        MiniMedia.write(labels.resolve("labels.json"), "[\"a\", \"b\"]");
        assertDataError("labels.json", "expected a JSON object");
        MiniMedia.write(labels.resolve("labels.json"), LABELS);
        MiniMedia.write(labels.resolve("validation.json"), "[{\"id\": \"21\",\n \"template\" \"x\"}]");
        assertDataError("validation.json", "line 2");
        MiniMedia.write(labels.resolve("validation.json"), "{\"id\": \"21\"}");
        assertDataError("validation.json", "expected a JSON array");
    }

    private void assertDataError(String file, String reason) {
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, config()));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void extractedFramesReplaceTheVideos() throws IOException {
        Path frames = dir.resolve("frames");
        for (String id : List.of("11", "12", "13", "21")) {
            MiniMedia.writeFrames(frames.resolve(id), 12, "%06d.jpg", Color.RED);
        }
        Dataset dataset = open(PROVIDER, config("root", frames.toString(), "format", "frames"));
        assertEquals(open(PROVIDER, config()).manifestHash(), dataset.manifestHash());
        ListDatasetTest.assertNormalisedClip(dataset.clip(Split.TRAIN, 1, 1), 4, 32);
    }

    @Test
    void theOlderFileNamesAreAKeyAway() throws IOException {
        MiniMedia.write(labels.resolve("something-something-v2-labels.json"), LABELS);
        Dataset dataset = open(PROVIDER, config("labels", "something-something-v2-labels.json"));
        assertEquals(3, dataset.classNames().size());
    }

    @Test
    void configErrorsNameTheKey() {
        assertKeyError("dataset.train", PROVIDER, config("train", "something-something-v2-train.json"));
        assertKeyError("dataset.format", PROVIDER, config("format", "webm"));
    }

    @Test
    void conformsToTheKit() {
        DatasetConformance.verify(open(PROVIDER, config()), 10);
    }
}
