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
import java.util.ArrayList;
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

/** A miniature HMDB51: two classes with three clips each, one train, one test and one unused per split file. */
class Hmdb51DatasetTest {
    private static final Hmdb51DatasetProvider PROVIDER = new Hmdb51DatasetProvider();

    @TempDir
    Path dir;
    private Path videos;
    private Path frames;
    private Path splits;

    @BeforeEach
    void writeMiniatureHmdb() throws IOException {
        videos = dir.resolve("hmdb51_org");
        frames = dir.resolve("rawframes");
        splits = dir.resolve("testTrainMulti_7030_splits");
        // Written in reverse order: labels must follow the sorted folder names, not the order of creation.
        List<String> classes = List.of("cartwheel", "brush_hair");
        for (String c : classes) {
            for (String clip : List.of("a", "b", "c")) {
                String name = c + "_" + clip + "_u_nm_np1_fr_goo_0";
                MiniMedia.writeVideo(videos.resolve(c).resolve(name + ".avi"), 16, Color.ORANGE);
                MiniMedia.writeFrames(frames.resolve(c).resolve(name), 16, "img_%05d.jpg", Color.ORANGE);
            }
            MiniMedia.write(splits.resolve(c + "_test_split1.txt"), c + "_a_u_nm_np1_fr_goo_0.avi 1 \n"
                    + c + "_b_u_nm_np1_fr_goo_0.avi 2 \n" + c + "_c_u_nm_np1_fr_goo_0.avi 0 \n");
        }
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> values = map("name", "hmdb51", "root", videos.toString(), "splits", splits.toString(),
                "frames", 8, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void classesAreSortedFoldersAndTagsChooseTheSplit() {
        Dataset dataset = open(PROVIDER, config());
        assertEquals(List.of("brush_hair", "cartwheel"), dataset.classNames());
        assertEquals(2, dataset.size(Split.TRAIN));
        assertEquals(2, dataset.size(Split.VALIDATION));
        List<String> ids = new ArrayList<>();
        for (Split split : Split.values()) {
            for (int i = 0; i < 2; i++) {
                Clip clip = dataset.clip(split, i, 3);
                ids.add(clip.id() + " " + clip.label());
                ListDatasetTest.assertNormalisedClip(clip, 8, 32);
            }
        }
        assertEquals(List.of("brush_hair/brush_hair_a_u_nm_np1_fr_goo_0.avi 0",
                "cartwheel/cartwheel_a_u_nm_np1_fr_goo_0.avi 1",
                "brush_hair/brush_hair_b_u_nm_np1_fr_goo_0.avi 0",
                "cartwheel/cartwheel_b_u_nm_np1_fr_goo_0.avi 1"), ids);
    }

    @Test
    void frameFoldersReplaceTheVideos() {
        Dataset dataset = open(PROVIDER, config("root", frames.toString(), "format", "frames"));
        assertEquals(open(PROVIDER, config()).manifestHash(), dataset.manifestHash());
        ListDatasetTest.assertNormalisedClip(dataset.clip(Split.TRAIN, 1, 1), 8, 32);
    }

    @Test
    void badSplitLinesAreLeftOutNamingFileAndLine() throws IOException {
        Path file = splits.resolve("cartwheel_test_split1.txt");
        MiniMedia.write(file, "cartwheel_a_u_nm_np1_fr_goo_0.avi 3\n"
                + "\ncartwheel_a_u_nm_np1_fr_goo_0.avi\n"
                + "../brush_hair/x.avi 1\n"
                + "cartwheel_b_u_nm_np1_fr_goo_0.avi 2\n"
                + "../brush_hair/y.avi 2\n");
        Dataset dataset = open(PROVIDER, config());
        assertEquals(1, dataset.size(Split.TRAIN), "brush_hair's train clip");
        assertEquals(2, dataset.size(Split.VALIDATION));
        ListDatasetTest.assertRejected(dataset.rejected(Split.TRAIN), List.of(
                file + ":1 expected tag 0",
                file + ":3 expected 2 fields",
                file + ":4 leaves the dataset root"));
        ListDatasetTest.assertRejected(dataset.rejected(Split.VALIDATION), List.of(
                file + ":6 leaves the dataset root"));
    }

    @Test
    void aClassFolderWithoutItsSplitFileMakesTheDatasetUnusable() throws IOException {
        Files.delete(splits.resolve("cartwheel_test_split1.txt"));
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, config()));
        assertTrue(e.getMessage().contains("cartwheel_test_split1.txt"), e.getMessage());
    }

    @Test
    void configErrorsNameTheKey() {
        assertKeyError("dataset.split", PROVIDER, config("split", 0));
        assertKeyError("dataset.root", PROVIDER, config("root", null));
        assertKeyError("dataset.format", PROVIDER, config("format", "webm"));
    }

    @Test
    void conformsToTheKit() {
        DatasetConformance.verify(open(PROVIDER, config()), 10);
    }
}
