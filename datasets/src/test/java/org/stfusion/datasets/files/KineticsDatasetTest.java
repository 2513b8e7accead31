package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void missingClipsAreReportedWithTheirRow() {
        Dataset dataset = open(PROVIDER, config());
        Path csv = root.resolve("annotations/train.csv");
        ListDatasetTest.assertRejected(dataset.rejected(Split.TRAIN), List.of(
                csv + ":4 clip missing: " + root.resolve("train/abseiling/gone_000005_000015.mp4")));
        assertEquals(List.of(), dataset.rejected(Split.VALIDATION));
    }

    @Test
    void badRowsAreLeftOutNamingFileAndLine() throws IOException {
        Path csv = root.resolve("annotations/train.csv");
        MiniMedia.write(csv, HEADER
                + "abseiling,0wR5jVB-WPk,417,427,train,0\n"
                + "abseiling,0wR5jVB-WPk,417\n"
                + "abseiling,../../x,1,2,train,0\n"
                + "abseiling,abc,one,2,train,0\n"
                + "\"abseiling,abc,1,2,train,0\n"
                + "passing American football (in game),a_B-c,1,11,train,0\n");
        Path val = root.resolve("annotations/validate.csv");
        MiniMedia.write(val, "label,youtube_id,time_start,time_end\nskydiving,abc,1,2\nabseiling,zzz,10,20\n");
        Dataset dataset = open(PROVIDER, config());
        assertEquals(2, dataset.size(Split.TRAIN));
        assertEquals(1, dataset.size(Split.VALIDATION));
        ListDatasetTest.assertRejected(dataset.rejected(Split.TRAIN), List.of(
                csv + ":3 expected 6 fields",
                csv + ":6 unterminated double quote",
                csv + ":4 YouTube id",
                csv + ":5 time_start"));
        ListDatasetTest.assertRejected(dataset.rejected(Split.VALIDATION), List.of(
                val + ":2 label 'skydiving' is not a class"));
    }

    @Test
    void aHeaderWithoutTheNeededColumnsMakesTheDatasetUnusable() throws IOException {
        MiniMedia.write(root.resolve("annotations/train.csv"), "label,ytid,time_start,time_end\n");
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, config()));
        assertTrue(e.getMessage().contains("train.csv:1") && e.getMessage().contains("no column 'youtube_id'"),
                e.getMessage());
    }

    @Test
    void noClipOfTheTrainingCsvOnDiskMakesTheDatasetUnusable() {
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, config("trainVideos", "val")));
        assertTrue(e.getMessage().contains("train.csv: no training items; all 3 entries were left out")
                && e.getMessage().contains("clip missing"), e.getMessage());
    }

    @Test
    void configErrorsNameTheKey() {
        assertKeyError("dataset.val", PROVIDER, config("val", "annotations/test.csv"));
        assertKeyError("dataset.videos", PROVIDER, config("videos", "train"));
    }

    @Test
    void conformsToTheKitWithItsMissingClipReported() {
        var report = DatasetConformance.verify(open(PROVIDER, config()), 10);
        assertFalse(report.rejected().values().stream().allMatch(java.util.List::isEmpty), "the missing clip is reported");
    }
}
