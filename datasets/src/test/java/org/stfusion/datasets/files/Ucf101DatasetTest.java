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
import org.stfusion.api.model.InputSpec;
import org.stfusion.testkit.DatasetConformance;

/** A miniature UCF101: three classes, groups 01 (test in split 1) and 08 (train), official file quirks. */
class Ucf101DatasetTest {
    private static final Ucf101DatasetProvider PROVIDER = new Ucf101DatasetProvider();

    @TempDir
    Path dir;
    private Path videos;
    private Path frames;
    private Path splits;

    @BeforeEach
    void writeMiniatureUcf() throws IOException {
        videos = dir.resolve("UCF-101");
        frames = dir.resolve("rawframes");
        splits = dir.resolve("ucfTrainTestlist");
        // The official quirk: folder and classInd say HandstandPushups, the file names HandStandPushups.
        String[][] clips = {
            {"ApplyEyeMakeup", "v_ApplyEyeMakeup"}, {"Basketball", "v_Basketball"},
            {"HandstandPushups", "v_HandStandPushups"}};
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
        for (int k = 0; k < clips.length; k++) {
            for (String group : List.of("_g01_c01", "_g08_c01")) {
                Path folder = videos.resolve(clips[k][0]);
                MiniMedia.writeVideo(folder.resolve(clips[k][1] + group + ".avi"), 16, colours[k]);
                MiniMedia.writeFrames(frames.resolve(clips[k][0]).resolve(clips[k][1] + group), 16, "img_%05d.jpg",
                        colours[k]);
            }
        }
        MiniMedia.write(splits.resolve("classInd.txt"), "1 ApplyEyeMakeup\r\n2 Basketball\r\n3 HandstandPushups\r\n");
        MiniMedia.write(splits.resolve("trainlist01.txt"), "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r\n"
                + "Basketball/v_Basketball_g08_c01.avi 2\r\n"
                + "HandstandPushups/v_HandStandPushups_g08_c01.avi 3\r\n");
        MiniMedia.write(splits.resolve("testlist01.txt"), "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\r\n"
                + "Basketball/v_Basketball_g01_c01.avi\r\n"
                + "HandstandPushups/v_HandStandPushups_g01_c01.avi\r\n");
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> values = map("name", "ucf101", "root", videos.toString(), "splits", splits.toString(),
                "frames", 8, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void splitOneTrainsOnGroupEightAndTestsOnGroupOne() {
        Dataset dataset = open(PROVIDER, config());
        assertEquals(List.of("ApplyEyeMakeup", "Basketball", "HandstandPushups"), dataset.classNames());
        assertEquals(new InputSpec(3, 8, 32, 32, 3), dataset.inputSpec());
        assertEquals(3, dataset.size(Split.TRAIN));
        assertEquals(3, dataset.size(Split.VALIDATION));
        for (int i = 0; i < 3; i++) {
            Clip train = dataset.clip(Split.TRAIN, i, 1);
            assertEquals(i, train.label());
            assertTrue(train.id().contains("_g08_"), train.id());
            ListDatasetTest.assertNormalisedClip(train, 8, 32);
            Clip test = dataset.clip(Split.VALIDATION, i, 1);
            assertEquals(i, test.label(), "test label from the directory: " + test.id());
        }
        assertEquals("HandstandPushups/v_HandStandPushups_g01_c01.avi", dataset.clip(Split.VALIDATION, 2, 1).id());
    }

    @Test
    void frameFoldersReplaceTheVideos() {
        Dataset dataset = open(PROVIDER, config("root", frames.toString(), "format", "frames"));
        Clip clip = dataset.clip(Split.VALIDATION, 2, 1);
        assertEquals(2, clip.label());
        ListDatasetTest.assertNormalisedClip(clip, 8, 32);
        assertEquals(open(PROVIDER, config()).manifestHash(), dataset.manifestHash(), "same items, same hash");
    }

    @Test
    void classNamesMatchIgnoringCase() throws IOException {
        MiniMedia.write(splits.resolve("classInd.txt"), "1 ApplyEyeMakeup\n2 Basketball\n3 HandStandPushups\n");
        Dataset dataset = open(PROVIDER, config());
        assertEquals("HandStandPushups", dataset.classNames().get(2));
        assertEquals(2, dataset.clip(Split.VALIDATION, 2, 1).label());
        assertEquals(2, dataset.clip(Split.TRAIN, 2, 1).label());
    }

    @Test
    void otherSplitsNeedTheirListFiles() throws IOException {
        assertKeyError("dataset.splits", PROVIDER, config("split", 2));
        MiniMedia.write(splits.resolve("trainlist02.txt"), "Basketball/v_Basketball_g01_c01.avi 2\n");
        MiniMedia.write(splits.resolve("testlist02.txt"), "Basketball/v_Basketball_g08_c01.avi\n");
        Dataset dataset = open(PROVIDER, config("split", 2));
        assertEquals(1, dataset.size(Split.TRAIN));
        assertEquals(1, dataset.size(Split.VALIDATION));
    }

    @Test
    void badListLinesAreLeftOutNamingFileAndLine() throws IOException {
        MiniMedia.write(splits.resolve("trainlist01.txt"), "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r\n"
                + "Basketball/v_Basketball_g08_c01.avi\r\n"
                + "Basketball/v_Basketball_g08_c01.avi 1\r\n"
                + "HandstandPushups/v_HandStandPushups_g08_c01.avi 3\r\n");
        MiniMedia.write(splits.resolve("testlist01.txt"), "\nJuggling/v_Juggling_g01_c01.avi\n"
                + "Basketball/../../../etc/passwd\n"
                + "v_Basketball_g01_c01.avi\n"
                + "Basketball/v_Basketball_g01_c01.avi\n");
        Dataset dataset = open(PROVIDER, config());
        assertEquals(2, dataset.size(Split.TRAIN));
        assertEquals(1, dataset.size(Split.VALIDATION));
        ListDatasetTest.assertRejected(dataset.rejected(Split.TRAIN), List.of(
                splits.resolve("trainlist01.txt") + ":2 expected 2 fields",
                splits.resolve("trainlist01.txt") + ":3 disagrees with the directory"));
        ListDatasetTest.assertRejected(dataset.rejected(Split.VALIDATION), List.of(
                splits.resolve("testlist01.txt") + ":2 'Juggling' is not in classInd.txt",
                splits.resolve("testlist01.txt") + ":3 leaves the dataset root",
                splits.resolve("testlist01.txt") + ":4 Class/file.avi"));
    }

    @Test
    void aBadClassIndexMakesTheDatasetUnusable() throws IOException {
        MiniMedia.write(splits.resolve("classInd.txt"), "1 ApplyEyeMakeup\n3 Basketball\n");
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, config()));
        assertTrue(e.getMessage().contains("classInd.txt:2") && e.getMessage().contains("expected class index 2"),
                e.getMessage());
    }

    @Test
    void zipArchivesReplaceTheVideos() throws IOException {
        Path zips = dir.resolve("zips");
        for (String clip : List.of("ApplyEyeMakeup/v_ApplyEyeMakeup", "Basketball/v_Basketball",
                "HandstandPushups/v_HandStandPushups")) {
            for (String group : List.of("_g01_c01", "_g08_c01")) {
                MiniMedia.writeFrameZip(zips.resolve(clip + group + ".zip"), 16, "img_%05d.jpg", "", Color.RED);
            }
        }
        Dataset dataset = open(PROVIDER, config("root", zips.toString(), "format", "zip"));
        assertEquals(open(PROVIDER, config()).manifestHash(), dataset.manifestHash());
        ListDatasetTest.assertNormalisedClip(dataset.clip(Split.TRAIN, 2, 1), 8, 32);
    }

    @Test
    void configErrorsNameTheKey() {
        assertKeyError("dataset.split", PROVIDER, config("split", 4));
        assertKeyError("dataset.splits", PROVIDER, config("splits", dir.resolve("none").toString()));
        assertKeyError("dataset.trainlist", PROVIDER, config("trainlist", "x"));
    }

    @Test
    void conformsToTheKitAsVideosAndAsFramesWithMultiViewTesting() {
        DatasetConformance.verify(open(PROVIDER, config()), 10);
        DatasetConformance.verify(open(PROVIDER, config("root", frames.toString(), "format", "frames", "testClips", 2,
                "testCrops", 3)), 10);
    }
}
