package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.datasets.files.Configs.map;
import static org.stfusion.datasets.files.Configs.open;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.MediaReader;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.Shape;
import org.stfusion.datasets.SyntheticDatasetProvider;

/**
 * {@code DatasetProvider.mediaReader}: a video, a frame folder or a frame archive outside the lists gives exactly the
 * views the dataset gives the same media as a validation item, from the dataset section alone (the lists need not
 * exist); unreadable media are a bad item naming the path.
 */
class MediaReaderTest {
    private static final ListDatasetProvider PROVIDER = new ListDatasetProvider();

    @TempDir
    Path root;

    private static MediaReader reader(Map<String, Object> section) {
        return PROVIDER.mediaReader(new PluginConfig("dataset", section)).orElseThrow();
    }

    private static void assertSameViews(Dataset dataset, int index, List<float[]> views) {
        assertEquals(dataset.views(Split.VALIDATION), views.size());
        for (int v = 0; v < views.size(); v++) {
            assertArrayEquals(dataset.view(Split.VALIDATION, index, v).data(), views.get(v), "view " + v);
        }
    }

    @Test
    void aVideoGivesTheViewsOfTheSameVideoAsAValidationItem() throws IOException {
        MiniMedia.writeVideo(root.resolve("videos/a.avi"), 20, Color.RED);
        MiniMedia.writeVideo(root.resolve("videos/b.mp4"), 14, Color.GREEN);
        MiniMedia.write(root.resolve("list.txt"), "videos/a.avi 0\nvideos/b.mp4 1\n");
        Map<String, Object> section = map("root", root.toString(), "train", "list.txt", "val", "list.txt", "classes", 2,
                "frames", 4, "stride", 2, "size", 16, "testSize", 24, "shortSide", 32, "testClips", 2, "testCrops", 3);
        Dataset dataset = open(PROVIDER, section);
        MediaReader reader = reader(section);
        assertEquals(Shape.volume(3, 4, 24, 24), reader.viewShape());
        assertSameViews(dataset, 0, reader.views(root.resolve("videos/a.avi")));
        assertSameViews(dataset, 1, reader.views(root.resolve("videos/b.mp4")));

        // the lists need not exist: only the clip keys are read
        Map<String, Object> elsewhere = map("root", root.resolve("gone").toString(), "train", "no.txt", "val", "no.txt",
                "classes", 2, "frames", 4, "stride", 2, "size", 16, "testSize", 24, "shortSide", 32, "testClips", 2,
                "testCrops", 3);
        assertSameViews(dataset, 0, reader(elsewhere).views(root.resolve("videos/a.avi")));
    }

    @Test
    void aFrameFolderAndAFrameArchiveLikewise() throws IOException {
        MiniMedia.writeFrames(root.resolve("frames/a"), 9, "img_%05d.jpg", Color.RED);
        MiniMedia.writeFrameZip(root.resolve("zips/a/RGB_frames.zip"), 9, "img_%05d.jpg", "", Color.BLUE);
        MiniMedia.write(root.resolve("frames.txt"), "frames/a 9 0\n");
        MiniMedia.write(root.resolve("zips.txt"), "zips/a 9 1\n");
        Map<String, Object> frames = map("root", root.toString(), "train", "frames.txt", "val", "frames.txt",
                "classes", 2, "format", "frames", "frames", 4, "size", 16, "testSize", 20, "shortSide", 24);
        assertSameViews(open(PROVIDER, frames), 0, reader(frames).views(root.resolve("frames/a")));
        Map<String, Object> zips = map("root", root.toString(), "train", "zips.txt", "val", "zips.txt", "classes", 2,
                "format", "zip", "zipName", "RGB_frames.zip", "frames", 4, "size", 16, "testCrops", 3);
        Dataset zipped = open(PROVIDER, zips);
        assertSameViews(zipped, 0, reader(zips).views(root.resolve("zips/a")));
        assertSameViews(zipped, 0, reader(zips).views(root.resolve("zips/a/RGB_frames.zip")));
    }

    @Test
    void unreadableMediaAreABadItemNamingThePath() throws IOException {
        MediaReader reader = reader(map("classes", 2, "frames", 4, "size", 16));
        Path missing = root.resolve("missing.mp4");
        BadItemException e = assertThrows(BadItemException.class, () -> reader.views(missing));
        assertEquals(missing.toString(), e.item().source());
        assertTrue(e.item().reason().startsWith("does not exist; expected a video file (decoded with FFmpeg), a folder of "
                + "frames named like img_00001.jpg or a .zip archive of them"), e.item().reason());

        Path text = Files.writeString(root.resolve("notes.mp4"), "not a video at all");
        e = assertThrows(BadItemException.class, () -> reader.views(text));
        assertEquals(text.toString(), e.item().source());
        assertTrue(!e.item().reason().isBlank() && !e.item().reason().contains("\n"), e.item().reason());

        Path empty = Files.createDirectories(root.resolve("empty"));
        e = assertThrows(BadItemException.class, () -> reader.views(empty));
        assertEquals(empty.toString(), e.item().source());
        assertTrue(e.item().reason().contains("no frames named like img_00001.jpg"), e.item().reason());
    }

    @Test
    void theSyntheticDatasetReadsNoMedia() {
        assertTrue(new SyntheticDatasetProvider().mediaReader(new PluginConfig("dataset", Map.of())).isEmpty());
        for (var provider : List.of(new Ucf101DatasetProvider(), new Hmdb51DatasetProvider(), new KineticsDatasetProvider(),
                new SomethingV1DatasetProvider(), new SomethingV2DatasetProvider())) {
            assertTrue(provider.mediaReader(new PluginConfig("dataset", Map.of())).isPresent(), provider.name());
        }
        assertTrue(new SomethingV1DatasetProvider().mediaReader(new PluginConfig("dataset", Map.of())).orElseThrow()
                .accepts().contains("00001.jpg"));
    }
}
