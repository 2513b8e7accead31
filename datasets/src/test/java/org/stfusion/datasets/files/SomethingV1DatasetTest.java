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

/** A miniature Something-Something V1: frame folders {@code <id>/00001.jpg}, ;-separated lists beside them. */
class SomethingV1DatasetTest {
    private static final SomethingV1DatasetProvider PROVIDER = new SomethingV1DatasetProvider();
    private static final String[] CLASSES = {"Pushing something from right to left",
        "Pushing something from left to right", "Holding something, next to something"};

    @TempDir
    Path dir;
    private Path frames;

    @BeforeEach
    void writeMiniatureSomethingV1() throws IOException {
        frames = dir.resolve("20bn-something-something-v1");
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
        for (int k = 0; k < 3; k++) {
            MiniMedia.writeFrames(frames.resolve("10" + k), 20, "%05d.jpg", colours[k]);
            MiniMedia.writeFrames(frames.resolve("20" + k), 16, "%05d.jpg", colours[k]);
        }
        // The labels are deliberately not sorted: label = line order.
        MiniMedia.write(dir.resolve("something-something-v1-labels.csv"), String.join("\r\n", CLASSES) + "\r\n");
        MiniMedia.write(dir.resolve("something-something-v1-train.csv"), "100;" + CLASSES[0] + "\r\n"
                + "101;" + CLASSES[1] + "\r\n" + "102;" + CLASSES[2] + "\r\n");
        MiniMedia.write(dir.resolve("something-something-v1-validation.csv"), "200;" + CLASSES[0] + "\n"
                + "201;" + CLASSES[1] + " \n");
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> values = map("name", "ssv1", "root", frames.toString(), "annotations", dir.toString(),
                "frames", 8, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void framesAndSemicolonListsWithLabelsInFileOrder() {
        Dataset dataset = open(PROVIDER, config());
        assertEquals(List.of(CLASSES), dataset.classNames());
        assertEquals(new InputSpec(3, 8, 32, 32, 3), dataset.inputSpec());
        assertEquals(3, dataset.size(Split.TRAIN));
        assertEquals(2, dataset.size(Split.VALIDATION));
        for (int i = 0; i < 3; i++) {
            Clip clip = dataset.clip(Split.TRAIN, i, 2);
            assertEquals("10" + i, clip.id());
            assertEquals(i, clip.label());
            ListDatasetTest.assertNormalisedClip(clip, 8, 32);
        }
        assertEquals(1, dataset.clip(Split.VALIDATION, 1, 1).label(), "trailing space after the class name");
    }

    @Test
    void trainingNeverFlipsUnlessAskedBecauseClassesComeInLeftRightPairs() {
        Dataset plain = open(PROVIDER, config("trainShortSide", List.of(32, 32)));
        Dataset flipping = open(PROVIDER, config("trainShortSide", List.of(32, 32), "flip", true));
        boolean flipped = false;
        for (long seed = 0; seed < 16; seed++) {
            assertTrue(motion(plain.clip(Split.TRAIN, 0, seed), 8, 32) > 0, "moves right, seed " + seed);
            flipped |= motion(flipping.clip(Split.TRAIN, 0, seed), 8, 32) < 0;
        }
        assertTrue(flipped, "with flip: true some clip moves left");
    }

    /**
     * Sum of the frame-to-frame shifts of the bright square's centroid (red channel), over the frame pairs in which
     * it is visible in the crop; NaN if there is none. Even a square half outside the crop shifts its centroid the
     * way it moves.
     */
    private static float motion(Clip clip, int frames, int size) {
        float shift = 0;
        boolean seen = false;
        for (int t = 1; t < frames; t++) {
            float before = centroidX(clip, t - 1, size);
            float after = centroidX(clip, t, size);
            if (!Float.isNaN(before) && !Float.isNaN(after)) {
                shift += after - before;
                seen = true;
            }
        }
        return seen ? shift : Float.NaN;
    }

    private static float centroidX(Clip clip, int t, int size) {
        float sum = 0;
        float weight = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (clip.data()[(t * size + y) * size + x] > 0) {
                    sum += x;
                    weight++;
                }
            }
        }
        return weight == 0 ? Float.NaN : sum / weight;
    }

    @Test
    void segmentSamplingTakesTheMiddleFrameOfEachSegmentAtValidation() {
        // 20 frames in 4 segments: frames 2, 7, 12, 17; no resize (short side 48 = frame height), crop x from 8
        Dataset dataset = open(PROVIDER, map("root", frames.toString(), "annotations", dir.toString(), "sampling",
                "segments", "segments", 4, "size", 48, "shortSide", 48));
        assertEquals(4, dataset.inputSpec().frames());
        Clip clip = dataset.clip(Split.TRAIN, 0, 0);
        assertEquals(3 * 4 * 48 * 48, clip.data().length);
        Dataset validation = open(PROVIDER, map("root", frames.toString(), "annotations", dir.toString(),
                "sampling", "segments", "segments", 4, "size", 48, "shortSide", 48, "val",
                "something-something-v1-train.csv"));
        Clip middle = validation.clip(Split.VALIDATION, 0, 0);
        int[] frameIndices = {7, 12, 17};
        for (int t = 1; t < 4; t++) {
            assertEquals(DecoderTest.squareLeft(frameIndices[t - 1]) - 8, leftEdge(middle, t, 48), 1, "frame " + t);
        }
    }

    private static int leftEdge(Clip clip, int t, int size) {
        int y = 24;
        for (int x = 0; x < size; x++) {
            if (clip.data()[(t * size + y) * size + x] > 0) {
                return x;
            }
        }
        return -1;
    }

    @Test
    void badLinesAreLeftOutNamingFileAndLine() throws IOException {
        Path train = MiniMedia.write(dir.resolve("something-something-v1-train.csv"), "100;" + CLASSES[0] + "\n"
                + "101 " + CLASSES[1] + "\n"
                + "102;Something nobody did\n"
                + "../../etc;" + CLASSES[2] + "\n"
                + ";" + CLASSES[2] + "\n"
                + "102;" + CLASSES[2] + "\n");
        Dataset dataset = open(PROVIDER, config());
        assertEquals(2, dataset.size(Split.TRAIN));
        ListDatasetTest.assertRejected(dataset.rejected(Split.TRAIN), List.of(
                train + ":2 expected 2 fields 'id;class name'",
                train + ":3 class 'Something nobody did' is not in the label file",
                train + ":4 leaves the dataset root",
                train + ":5 no id"));
    }

    @Test
    void zipArchivesAndVideosReplaceTheFrameFolders() throws IOException {
        Path zips = dir.resolve("zips");
        Path videos = dir.resolve("videos");
        for (String id : List.of("100", "101", "102", "200", "201")) {
            MiniMedia.writeFrameZip(zips.resolve(id + ".zip"), 16, "%05d.jpg", "", Color.RED);
            MiniMedia.writeVideo(videos.resolve(id + ".avi"), 16, Color.RED);
        }
        Dataset fromZips = open(PROVIDER, config("root", zips.toString(), "format", "zip"));
        Dataset fromVideos = open(PROVIDER, config("root", videos.toString(), "format", "video",
                "videoExtension", "avi"));
        for (Dataset dataset : List.of(fromZips, fromVideos)) {
            assertEquals(open(PROVIDER, config()).manifestHash(), dataset.manifestHash());
            ListDatasetTest.assertNormalisedClip(dataset.clip(Split.VALIDATION, 1, 1), 8, 32);
        }
    }

    @Test
    void aBadLabelFileMakesTheDatasetUnusable() throws IOException {
        MiniMedia.write(dir.resolve("something-something-v1-labels.csv"), CLASSES[0] + "\n" + CLASSES[1] + "\n"
                + CLASSES[0] + "\n");
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, config()));
        assertTrue(e.getMessage().contains("something-something-v1-labels.csv:3") && e.getMessage().contains("twice"),
                e.getMessage());
    }

    @Test
    void configErrorsNameTheKey() {
        assertKeyError("dataset.labels", PROVIDER, config("labels", "category.txt"));
        assertKeyError("dataset.annotations", PROVIDER, config("annotations", dir.resolve("none").toString()));
        assertKeyError("dataset.videoExtension", PROVIDER, config("videoExtension", ".webm"));
        assertKeyError("dataset.split", PROVIDER, config("split", 1));
        Map<String, Object> noRoot = config();
        noRoot.remove("root");
        assertKeyError("dataset.root", PROVIDER, noRoot);
    }

    @Test
    void conformsToTheKit() {
        DatasetConformance.verify(open(PROVIDER, config()), 10);
    }
}
