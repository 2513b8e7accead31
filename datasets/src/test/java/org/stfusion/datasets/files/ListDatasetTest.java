package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;
import org.stfusion.testkit.DatasetConformance;

class ListDatasetTest {
    private static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE};
    private static final ListDatasetProvider PROVIDER = new ListDatasetProvider();

    @TempDir
    Path root;

    @BeforeEach
    void writeMiniatureTree() throws IOException {
        for (int k = 0; k < 3; k++) {
            MiniMedia.writeFrames(root.resolve("frames/train" + k), 20, "img_%05d.jpg", COLOURS[k]);
            MiniMedia.writeVideo(root.resolve("videos/train" + k + ".avi"), 20, COLOURS[k]);
        }
        MiniMedia.writeFrames(root.resolve("frames/val0"), 16, "img_%05d.jpg", COLOURS[0]);
        MiniMedia.writeFrames(root.resolve("frames/val2"), 12, "img_%05d.jpg", COLOURS[2]);
        MiniMedia.writeVideo(root.resolve("videos/val1.avi"), 16, COLOURS[1]);
        MiniMedia.write(root.resolve("frames_train.txt"),
                "frames/train0 20 0\nframes/train1 20 1\nframes/train2 20 2\n");
        MiniMedia.write(root.resolve("frames_val.txt"), "frames/val0 16 0\n\nframes/val2 12 2   \n");
        MiniMedia.write(root.resolve("video_train.txt"),
                "videos/train0.avi 0\r\nvideos/train1.avi 1\r\nvideos/train2.avi 2\r\n");
        MiniMedia.write(root.resolve("video_val.txt"), "videos/val1.avi 1\r\n");
        MiniMedia.write(root.resolve("classes.txt"), "red square\r\ngreen square\r\nblue square\r\n");
    }

    private Map<String, Object> frames(Object... extra) {
        Map<String, Object> values = map("name", "list", "root", root.toString(), "train", "frames_train.txt",
                "val", "frames_val.txt", "classes", 3, "format", "frames", "frames", 8, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    private Map<String, Object> videos(Object... extra) {
        Map<String, Object> values = map("root", root.toString(), "train", "video_train.txt", "val", "video_val.txt",
                "classes", "classes.txt", "frames", 8, "stride", 2, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void frameFoldersGiveTheListedItemsLabelsAndClipShape() {
        Dataset dataset = open(PROVIDER, frames());
        assertEquals(new InputSpec(3, 8, 32, 32, 3), dataset.inputSpec());
        assertEquals(List.of("0", "1", "2"), dataset.classNames());
        assertEquals(3, dataset.size(Split.TRAIN));
        assertEquals(2, dataset.size(Split.VALIDATION));
        for (int i = 0; i < 3; i++) {
            Clip clip = dataset.clip(Split.TRAIN, i, 5);
            assertEquals("frames/train" + i, clip.id());
            assertEquals(i, clip.label());
            assertNormalisedClip(clip, 8, 32);
        }
        assertEquals(2, dataset.clip(Split.VALIDATION, 1, 5).label());
    }

    @Test
    void videosWithAClassFileAndCrlfLines() {
        Dataset dataset = open(PROVIDER, videos());
        assertEquals(List.of("red square", "green square", "blue square"), dataset.classNames());
        assertEquals(3, dataset.size(Split.TRAIN));
        assertEquals(1, dataset.size(Split.VALIDATION));
        Clip clip = dataset.clip(Split.VALIDATION, 0, 1);
        assertEquals("videos/val1.avi", clip.id());
        assertEquals(1, clip.label());
        assertNormalisedClip(clip, 8, 32);
        assertNormalisedClip(dataset.clip(Split.TRAIN, 2, 1), 8, 32);
    }

    @Test
    void theRedSquareIsRedAfterDecodingBothFormats() {
        for (Map<String, Object> values : List.of(frames(), videos())) {
            float[] data = open(PROVIDER, values).clip(Split.TRAIN, 0, 1).data();
            int plane = 8 * 32 * 32;
            float red = max(data, 0, plane);
            float green = max(data, plane, 2 * plane);
            assertTrue(red > 1.5 && green < 0, "red " + red + ", green " + green);
        }
    }

    @Test
    void trainClipsDependOnTheSeedAndValidationClipsDoNot() {
        for (Map<String, Object> values : List.of(frames("trainShortSide", List.of(36, 48)),
                videos("trainShortSide", List.of(36, 48)))) {
            Dataset dataset = open(PROVIDER, values);
            float[] seed1 = dataset.clip(Split.TRAIN, 0, 1).data();
            assertArrayEquals(seed1, dataset.clip(Split.TRAIN, 0, 1).data(), "same seed, same clip");
            boolean differs = false;
            for (long seed = 2; seed < 6 && !differs; seed++) {
                differs = !Arrays.equals(seed1, dataset.clip(Split.TRAIN, 0, seed).data());
            }
            assertTrue(differs, "another seed gives another crop or start");
            assertArrayEquals(dataset.clip(Split.VALIDATION, 0, 1).data(),
                    dataset.clip(Split.VALIDATION, 0, 99).data());
        }
    }

    @Test
    void manifestHashDependsOnItemsAndLabelsOnly() throws IOException {
        String hash = open(PROVIDER, frames()).manifestHash();
        assertTrue(hash.matches("[0-9a-f]{16}"), hash);
        assertEquals(hash, open(PROVIDER, frames("size", 16, "frames", 4)).manifestHash());
        MiniMedia.write(root.resolve("frames_val.txt"), "frames/val0 16 1\nframes/val2 12 2\n");
        assertNotEquals(hash, open(PROVIDER, frames()).manifestHash());
    }

    @Test
    void malformedListLinesAreLeftOutAndReportedWithFileAndLine() throws IOException {
        MiniMedia.write(root.resolve("frames_train.txt"), "frames/train0 20 0\n"
                + "frames/train1 1\n"
                + "frames/train1 twenty 1\n"
                + "\n"
                + "frames/train1 20 3\n"
                + "frames/train2 20 -1\n"
                + "frames/../../etc 20 0\n"
                + "/etc 20 0\n"
                + "frames/train2 20 2\n");
        Dataset dataset = open(PROVIDER, frames());
        assertEquals(2, dataset.size(Split.TRAIN), "the two good lines");
        assertEquals("frames/train2", dataset.clip(Split.TRAIN, 1, 1).id());
        Path list = root.resolve("frames_train.txt");
        assertRejected(dataset.rejected(Split.TRAIN), List.of(
                list + ":2 expected 3 fields",
                list + ":3 frame count",
                list + ":5 label 3 is not one of the 3 classes",
                list + ":6 label -1",
                list + ":7 leaves the dataset root",
                list + ":8 leaves the dataset root"));
        assertEquals(List.of(), dataset.rejected(Split.VALIDATION));
    }

    /** Each expectation is "source reason-fragment"; the sources must match in order. */
    static void assertRejected(List<BadItem> rejected, List<String> expected) {
        assertEquals(expected.size(), rejected.size(), "rejected: " + rejected);
        for (int i = 0; i < expected.size(); i++) {
            String source = expected.get(i).substring(0, expected.get(i).indexOf(' '));
            String reason = expected.get(i).substring(source.length() + 1);
            assertEquals(source, rejected.get(i).source(), rejected.get(i).toString());
            assertTrue(rejected.get(i).reason().contains(reason), rejected.get(i) + " should say " + reason);
        }
    }

    @Test
    void aTrainingListWithoutOneUsableLineMakesTheDatasetUnusable() throws IOException {
        MiniMedia.write(root.resolve("frames_train.txt"), "frames/train0 20\nframes/train1 20\n");
        DataException e = assertThrows(DataException.class, () -> open(PROVIDER, frames()));
        assertTrue(e.getMessage().startsWith(root.resolve("frames_train.txt") + ": no training items; all 2 entries"),
                e.getMessage());
        assertTrue(e.getMessage().contains("frames_train.txt:1: expected 3 fields"), e.getMessage());
        MiniMedia.write(root.resolve("frames_train.txt"), "\n");
        e = assertThrows(DataException.class, () -> open(PROVIDER, frames()));
        assertTrue(e.getMessage().endsWith("frames_train.txt: no training items"), e.getMessage());
    }

    @Test
    void unreadableMediaAreBadItemsAtClipTimeNamingItemPathAndReason() throws IOException {
        Files.write(root.resolve("videos/broken.avi"), new byte[] {0, 1, 2, 3});
        Files.createFile(root.resolve("videos/empty.avi"));
        byte[] video = Files.readAllBytes(root.resolve("videos/train0.avi"));
        Files.write(root.resolve("videos/truncated.avi"), Arrays.copyOf(video, 300));
        MiniMedia.write(root.resolve("video_val.txt"),
                "videos/missing.avi 0\nvideos/broken.avi 1\nvideos/empty.avi 2\nvideos/truncated.avi 0\n");
        Dataset dataset = open(PROVIDER, videos());
        List<String> ids = List.of("videos/missing.avi", "videos/broken.avi", "videos/empty.avi",
                "videos/truncated.avi");
        for (int i = 0; i < ids.size(); i++) {
            int index = i;
            BadItemException e = assertThrows(BadItemException.class, () -> dataset.clip(Split.VALIDATION, index, 1));
            assertEquals(ids.get(i) + " (" + root.resolve(ids.get(i)) + ")", e.item().source());
            assertTrue(e.getMessage().startsWith(e.item().source() + ": "), e.getMessage());
            assertFalse(e.item().reason().contains(root.toString()), "the path is named once: " + e.getMessage());
        }
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            int index = i;
            reasons.add(assertThrows(BadItemException.class, () -> dataset.clip(Split.VALIDATION, index, 1)).item()
                    .reason());
        }
        assertEquals("video file not found", reasons.get(0));
        assertEquals("not a readable video (FFmpeg avformat_open_input: Invalid data found when processing input)",
                reasons.get(1));
        assertEquals("empty file (0 bytes), expected a video", reasons.get(2));
        assertEquals(reasons.get(1), reasons.get(3), "a file cut inside its header");
        Files.write(root.resolve("frames/train1/img_00003.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 0});
        Files.delete(root.resolve("frames/train2/img_00020.jpg"));
        Dataset frames = open(PROVIDER, frames("frames", 20));
        BadItemException e = assertThrows(BadItemException.class, () -> frames.clip(Split.TRAIN, 1, 1));
        assertTrue(e.getMessage().startsWith("frames/train1 (") && e.getMessage().contains("img_00003.jpg"),
                e.getMessage());
        e = assertThrows(BadItemException.class, () -> frames.clip(Split.TRAIN, 2, 1));
        assertTrue(e.getMessage().contains("img_00020.jpg") && e.getMessage().contains("not found"), e.getMessage());
        assertEquals(0, frames.clip(Split.TRAIN, 0, 1).label(), "the other items still read");
    }

    @Test
    void zipArchivesOfFramesNextToOrInsideTheItemFolder() throws IOException {
        for (int k = 0; k < 3; k++) {
            MiniMedia.writeFrameZip(root.resolve("zips/train" + k + ".zip"), 20, "img_%05d.jpg", "", COLOURS[k]);
            // The paper code's layout: <item>/RGB_frames.zip, here with the frames in a folder inside the archive.
            MiniMedia.writeFrameZip(root.resolve("paper/train" + k + "/RGB_frames.zip"), 20, "img_%05d.jpg",
                    "train" + k, COLOURS[k]);
        }
        MiniMedia.write(root.resolve("zip_train.txt"), "zips/train0 20 0\nzips/train1.zip 20 1\nzips/train2 20 2\n");
        MiniMedia.write(root.resolve("paper_train.txt"), "paper/train0 20 0\npaper/train1 20 1\npaper/train2 20 2\n");
        Dataset folders = open(PROVIDER, frames());
        Dataset zips = open(PROVIDER, frames("format", "zip", "train", "zip_train.txt", "val", "zip_train.txt"));
        Dataset paper = open(PROVIDER, frames("format", "zip", "zipName", "RGB_frames.zip", "train", "paper_train.txt",
                "val", "paper_train.txt"));
        for (int i = 0; i < 3; i++) {
            float[] fromFolder = folders.clip(Split.TRAIN, i, 4).data();
            assertArrayEquals(fromFolder, zips.clip(Split.TRAIN, i, 4).data(), "same JPEGs, same clip");
            assertArrayEquals(fromFolder, paper.clip(Split.TRAIN, i, 4).data());
        }
        assertEquals("zips/train1.zip", zips.clip(Split.TRAIN, 1, 1).id());
    }

    @Test
    void configErrorsNameTheKey() {
        assertKeyError("dataset.root", PROVIDER, frames("root", root.resolve("nowhere").toString()));
        assertKeyError("dataset.train", PROVIDER, frames("train", "nothing.txt"));
        assertKeyError("dataset.classes", PROVIDER, frames("classes", 1));
        assertKeyError("dataset.classes", PROVIDER, frames("classes", "nothing.txt"));
        assertKeyError("dataset.format", PROVIDER, frames("format", "gif"));
        assertKeyError("dataset.framePattern", PROVIDER, frames("framePattern", "img.jpg"));
        assertKeyError("dataset.shortSide", PROVIDER, frames("shortSide", 16));
        assertKeyError("dataset.trainShortSide", PROVIDER, frames("trainShortSide", List.of(48, 40)));
        assertKeyError("dataset.stride", PROVIDER, frames("stride", 0));
        assertKeyError("dataset.flipp", PROVIDER, frames("flipp", true));
        assertKeyError("dataset.zipName", PROVIDER, frames("zipName", "RGB_frames.zip"));
        assertKeyError("dataset.zipName", PROVIDER, frames("format", "zip", "zipName", "../x.zip"));
        assertKeyError("dataset.frames", PROVIDER, frames("sampling", "segments"));
        assertKeyError("dataset.segments", PROVIDER, frames("segments", 8));
        assertKeyError("dataset.testCrops", PROVIDER, frames("testCrops", 2));
        assertKeyError("dataset.testClips", PROVIDER, frames("testClips", 0));
        Map<String, Object> noVal = frames();
        noVal.remove("val");
        assertKeyError("dataset.val", PROVIDER, noVal);
    }

    @Test
    void emptyListGivesAnEmptySplit() throws IOException {
        MiniMedia.write(root.resolve("frames_val.txt"), "\r\n");
        Dataset dataset = open(PROVIDER, frames());
        assertEquals(0, dataset.size(Split.VALIDATION));
        assertThrows(IndexOutOfBoundsException.class, () -> dataset.clip(Split.VALIDATION, 0, 1));
    }

    static void assertNormalisedClip(Clip clip, int frames, int size) {
        assertEquals(3 * frames * size * size, clip.data().length);
        // ImageNet normalisation maps 0..255 to about [-2.12, 2.64]
        for (float v : clip.data()) {
            assertTrue(v >= -2.2f && v <= 2.7f, "value " + v);
        }
        assertFalse(max(clip.data(), 0, clip.data().length) == min(clip.data()), "not a constant clip");
    }

    private static float max(float[] data, int from, int to) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            m = Math.max(m, data[i]);
        }
        return m;
    }

    private static float min(float[] data) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : data) {
            m = Math.min(m, v);
        }
        return m;
    }

    @Test
    void conformsToTheKitAndReportsItsBrokenItems() throws IOException {
        DatasetConformance.verify(open(PROVIDER, frames()), 10);
        DatasetConformance.verify(open(PROVIDER, videos()), 10);
        Files.write(root.resolve("videos/broken.avi"), new byte[] {0, 1, 2, 3});
        MiniMedia.write(root.resolve("video_broken.txt"), "videos/train0.avi 0\nvideos/broken.avi 1\n");
        var report = DatasetConformance.verify(open(PROVIDER, videos("train", "video_broken.txt")), 10);
        assertEquals(1, report.unreadable().get(Split.TRAIN).size());
    }
}
