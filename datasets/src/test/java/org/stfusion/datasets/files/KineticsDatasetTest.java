package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.datasets.files.Configs.assertKeyError;
import static org.stfusion.datasets.files.Configs.map;
import static org.stfusion.datasets.files.Configs.open;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
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

/** A miniature Kinetics: two classes (one with spaces and brackets in its name), one clip gone from YouTube. */
class KineticsDatasetTest {
    private static final KineticsDatasetProvider PROVIDER = new KineticsDatasetProvider();
    private static final String HEADER = "label,youtube_id,time_start,time_end,split,is_cc\r\n";

    @TempDir
    Path root;

    @BeforeEach
    void writeMiniatureKinetics() throws IOException {
        MiniMedia.writeVideo(root.resolve("train/abseiling/0wR5jVB-WPk_000417_000427.mp4"), 16, Color.RED);
        MiniMedia.writeVideo(root.resolve("train/passing_American_football_(in_game)/a_B-c_000001_000011.mp4"), 16,
                Color.GREEN);
        MiniMedia.writeVideo(root.resolve("val/abseiling/zzz_000010_000020.mp4"), 16, Color.RED);
        MiniMedia.write(root.resolve("annotations/train.csv"), HEADER
                + "abseiling,0wR5jVB-WPk,417,427,train,0\r\n"
                + "passing American football (in game),a_B-c,1,11,train,0\r\n"
                + "abseiling,gone,5,15,train,0\r\n");
        // Columns in another order: they are found by name.
        MiniMedia.write(root.resolve("annotations/validate.csv"), "youtube_id,time_end,time_start,label,split\n"
                + "zzz,20,10,\"abseiling\",val\n");
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> values = map("name", "kinetics", "root", root.toString(), "train",
                "annotations/train.csv", "val", "annotations/validate.csv", "frames", 8, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void classesAreSortedTrainLabelsAndMissingClipsAreLeftOut() {
        Dataset dataset = open(PROVIDER, config());
        assertEquals(List.of("abseiling", "passing American football (in game)"), dataset.classNames());
        assertEquals(2, dataset.size(Split.TRAIN), "the clip 'gone' is missing and left out");
        assertEquals(1, dataset.size(Split.VALIDATION));
        Clip clip = dataset.clip(Split.TRAIN, 1, 1);
        assertEquals("passing_American_football_(in_game)/a_B-c_000001_000011.mp4", clip.id());
        assertEquals(1, clip.label());
        ListDatasetTest.assertNormalisedClip(clip, 8, 32);
        assertEquals("abseiling/zzz_000010_000020.mp4", dataset.clip(Split.VALIDATION, 0, 1).id());
    }

    @Test
    void missingClipsAreCountedPerSplit() {
        ClipItem item = new ClipItem("a", root, 0, 0);
        String warning = KineticsDatasetProvider.missingClipsWarning(
                new KineticsDatasetProvider.SplitClips(List.of(item, item), 1, root.resolve("train")),
                new KineticsDatasetProvider.SplitClips(List.of(item), 0, root.resolve("val")));
        assertEquals("kinetics: left out 1 of 3 clips missing under " + root.resolve("train"), warning);
    }

    @Test
    void badRowsAreRejectedNamingFileAndLine() throws IOException {
        assertCsvError("train.csv", HEADER + "abseiling,0wR5jVB-WPk,417\n", "train.csv:2", "expected 6 fields");
        assertCsvError("train.csv", HEADER + "abseiling,../../x,1,2,train,0\n", "train.csv:2", "YouTube id");
        assertCsvError("train.csv", HEADER + "abseiling,abc,one,2,train,0\n", "train.csv:2", "time_start");
        assertCsvError("train.csv", "label,ytid,time_start,time_end\n", "train.csv:1", "no column 'youtube_id'");
        assertCsvError("train.csv", HEADER + "\"abseiling,abc,1,2,train,0\n", "train.csv:2", "double quote");
        assertCsvError("validate.csv", "label,youtube_id,time_start,time_end\nskydiving,abc,1,2\n", "validate.csv:2",
                "label 'skydiving' is not a class");
    }

    private void assertCsvError(String file, String text, String where, String reason) throws IOException {
        Path csv = root.resolve("annotations").resolve(file);
        String original = Files.readString(csv);
        MiniMedia.write(csv, text);
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, config()));
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(reason), e.getMessage());
        MiniMedia.write(csv, original);
    }

    @Test
    void configErrorsNameTheKey() {
        assertKeyError("dataset.val", PROVIDER, config("val", "annotations/test.csv"));
        assertKeyError("dataset.videos", PROVIDER, config("videos", "train"));
    }
}
