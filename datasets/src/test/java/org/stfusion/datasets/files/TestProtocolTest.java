package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;

/** Multi-clip × multi-crop evaluation through {@code Dataset.views} / {@code view}. */
class TestProtocolTest {
    private static final ListDatasetProvider PROVIDER = new ListDatasetProvider();

    @TempDir
    Path root;

    @BeforeEach
    void writeList() throws IOException {
        MiniMedia.writeFrames(root.resolve("a"), 24, "img_%05d.jpg", Color.RED);
        MiniMedia.writeFrames(root.resolve("b"), 24, "img_%05d.jpg", Color.GREEN);
        MiniMedia.write(root.resolve("list.txt"), "a 24 0\nb 24 1\n");
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> values = map("root", root.toString(), "train", "list.txt", "val", "list.txt",
                "classes", 2, "format", "frames", "frames", 4, "stride", 2, "size", 32);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void oneViewByDefaultWhichIsTheValidationClip() {
        Dataset dataset = open(PROVIDER, config());
        assertEquals(1, dataset.views(Split.VALIDATION));
        assertEquals(1, dataset.views(Split.TRAIN));
        assertArrayEquals(dataset.clip(Split.VALIDATION, 1, 42).data(), dataset.view(Split.VALIDATION, 1, 0).data());
        assertThrows(IndexOutOfBoundsException.class, () -> dataset.view(Split.VALIDATION, 0, 1));
    }

    @Test
    void clipsTimesCropsDistinctDeterministicViews() {
        Dataset dataset = open(PROVIDER, config("testClips", 2, "testCrops", 3));
        assertEquals(6, dataset.views(Split.VALIDATION));
        assertEquals(1, dataset.views(Split.TRAIN), "training items are augmented, not viewed");
        List<float[]> views = new ArrayList<>();
        for (int v = 0; v < 6; v++) {
            Clip clip = dataset.view(Split.VALIDATION, 0, v);
            assertEquals("a", clip.id());
            assertEquals(0, clip.label());
            assertArrayEquals(clip.data(), dataset.view(Split.VALIDATION, 0, v).data(), "view " + v + " twice");
            for (int w = 0; w < v; w++) {
                assertFalse(Arrays.equals(views.get(w), clip.data()), "views " + w + " and " + v + " differ");
            }
            views.add(clip.data());
        }
        assertThrows(IndexOutOfBoundsException.class, () -> dataset.view(Split.VALIDATION, 0, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> dataset.view(Split.VALIDATION, 0, -1));
    }

    @Test
    void theMiddleOfThreeCropsOfOneClipIsTheValidationClip() {
        Dataset dataset = open(PROVIDER, config("testCrops", 3));
        assertEquals(3, dataset.views(Split.VALIDATION));
        assertArrayEquals(dataset.clip(Split.VALIDATION, 0, 0).data(), dataset.view(Split.VALIDATION, 0, 1).data());
    }

    @Test
    void viewsOfClipsStartEvenlyFromFirstToLastFrame() {
        // 24 frames, span 7: test clips start at frames 0 and 17; the square moves right 2 px per frame
        Dataset dataset = open(PROVIDER, config("testClips", 2, "size", 48, "shortSide", 48));
        assertTrue(leftEdge(dataset.view(Split.VALIDATION, 0, 1), 48) - leftEdge(dataset.view(Split.VALIDATION, 0, 0),
                48) >= 2 * 17 - 2, "the second clip is 17 frames later");
    }

    /** Left edge of the square in frame 1 of the red channel at row 24. */
    private static int leftEdge(Clip clip, int size) {
        for (int x = 0; x < size; x++) {
            if (clip.data()[(size + 24) * size + x] > 0) {
                return x;
            }
        }
        return -1;
    }

    @Test
    void aBrokenItemIsABadItemInEveryView() throws IOException {
        Files.write(root.resolve("b/img_00005.jpg"), new byte[] {1, 2, 3});
        Dataset dataset = open(PROVIDER, config("testClips", 2));
        assertEquals(0, dataset.view(Split.VALIDATION, 0, 0).label());
        BadItemException e = assertThrows(BadItemException.class, () -> dataset.view(Split.VALIDATION, 1, 0));
        assertEquals("b (" + root.resolve("b") + ")", e.item().source());
        assertTrue(e.item().reason().contains("img_00005.jpg"), e.getMessage());
    }
}
