package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.datasets.files.Configs.map;
import static org.stfusion.datasets.files.Configs.open;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.core.data.BadItemLedger;
import org.stfusion.core.data.ClipBatches;

/**
 * Broken media and lists among good items, loaded the way a run loads them: through {@link ClipBatches} with a
 * {@link BadItemLedger} writing {@code bad-items.json}. Every bad item is skipped and listed with a reason naming
 * what was wrong, every good item arrives, and the passes finish (a stuck decode included).
 */
@Timeout(120)
class BrokenDatasetLoadingTest {
    /** Above the good media's 64 x 48 = 3072 pixels, below the "big" video's 160 x 120. */
    private static final int MAX_FRAME_PIXELS = 10_000;

    @TempDir
    Path dir;
    private Path root;
    private Path outside;

    @BeforeEach
    void writeTree() throws IOException {
        root = Files.createDirectories(dir.resolve("data"));
        outside = Files.createDirectories(dir.resolve("outside"));
        MiniMedia.writeVideo(outside.resolve("secret.avi"), 8, Color.BLUE);
        MiniMedia.writeFrames(outside.resolve("frames"), 6, "img_%05d.jpg", Color.BLUE);
        MiniMedia.writeFrameZip(outside.resolve("secret.zip"), 6, "img_%05d.jpg", "", Color.BLUE);
    }

    private Dataset openList(String format, String train, String val) throws IOException {
        MiniMedia.write(root.resolve(format + "-train.txt"), train);
        MiniMedia.write(root.resolve(format + "-val.txt"), val);
        return open(new ListDatasetProvider(), map("root", root.toString(), "train", format + "-train.txt",
                "val", format + "-val.txt", "classes", 2, "format", format, "frames", 4, "size", 16,
                "maxFramePixels", MAX_FRAME_PIXELS));
    }

    /** What one pass of each split delivered, and what the ledger listed. */
    private record Loaded(Map<Split, Integer> items, Map<Split, List<BadItem>> bad, JsonNode file) {
    }

    /** One training pass and one validation pass, as the trainer and the scorer make them. */
    private static Loaded load(Dataset dataset, Path ledgerFile) throws IOException {
        BadItemLedger ledger = new BadItemLedger(dataset, 1.0, ledgerFile);
        Map<Split, Integer> items = new TreeMap<>();
        try (ClipBatches loader = new ClipBatches(dataset, DataType.FLOAT, 2, 2, ledger)) {
            int[] train = IntStream.range(0, dataset.size(Split.TRAIN)).toArray();
            int n = 0;
            for (var batches = loader.iterate(Split.TRAIN, train, 3, 7); batches.hasNext(); ) {
                n += batches.next().size();
            }
            items.put(Split.TRAIN, n);
            int[] val = IntStream.range(0, dataset.size(Split.VALIDATION)).toArray();
            n = 0;
            for (var batches = loader.iterateViews(Split.VALIDATION, val, 4); batches.hasNext(); ) {
                n += batches.next().size();
            }
            items.put(Split.VALIDATION, n);
        }
        Map<Split, List<BadItem>> bad = new TreeMap<>();
        for (Split split : Split.values()) {
            bad.put(split, ledger.items(split));
        }
        JsonNode file = Files.isRegularFile(ledgerFile) ? new ObjectMapper().readTree(ledgerFile.toFile()) : null;
        return new Loaded(items, bad, file);
    }

    /** {@code expected}: source → a fragment of its reason; the ledger must hold exactly these, in any order. */
    private static void assertBad(List<BadItem> listed, Map<String, String> expected, JsonNode file, String split) {
        Map<String, String> reasons = new TreeMap<>();
        listed.forEach(b -> reasons.put(b.source(), b.reason()));
        assertEquals(new TreeMap<>(expected).keySet(), reasons.keySet(), "bad items: " + listed);
        expected.forEach((source, fragment) -> {
            assertTrue(reasons.get(source).contains(fragment), source + " should say '" + fragment + "': "
                    + reasons.get(source));
            assertTrue(!reasons.get(source).contains("\n"), "one line: " + reasons.get(source));
        });
        List<String> inFile = new ArrayList<>();
        file.get(split).forEach(node -> inFile.add(node.get("source").asText()));
        assertEquals(new TreeMap<>(expected).keySet(), new java.util.TreeSet<>(inFile), "bad-items.json");
    }

    private String item(String id) {
        return id + " (" + root.resolve(id) + ")";
    }

    @Test
    void brokenVideosAreSkippedAndListedAndTheGoodOnesIncludingARawH264StreamLoad() throws IOException {
        MiniMedia.writeVideo(root.resolve("videos/good0.avi"), 20, Color.RED);
        MiniMedia.writeVideo(root.resolve("videos/good1.mp4"), 20, Color.GREEN);
        MiniMedia.writeVideo(root.resolve("videos/raw.h264"), 20, Color.RED);
        MiniMedia.writeVideo(root.resolve("videos/val1.webm"), 12, Color.GREEN);
        Files.createFile(root.resolve("videos/empty.mp4"));
        byte[] whole = Files.readAllBytes(root.resolve("videos/good1.mp4"));
        Files.write(root.resolve("videos/cut.mp4"), Arrays.copyOf(whole, whole.length / 3));
        MiniMedia.write(root.resolve("videos/notes.mp4"), "shopping list: milk, eggs\n");
        MiniMedia.writeVideo(root.resolve("videos/big.avi"), 8, Color.RED, 160, 120);
        Files.createSymbolicLink(root.resolve("videos/leak.avi"), outside.resolve("secret.avi"));
        Dataset dataset = openList("video",
                "videos/good0.avi 0\nvideos/empty.mp4 1\nvideos/good1.mp4 1\nvideos/cut.mp4 0\nvideos/raw.h264 0\n"
                        + "videos/notes.mp4 1\nvideos/big.avi 0\nvideos/leak.avi 1\nvideos/missing.avi 0\n"
                        + "videos/good0.avi\n",
                "videos/val1.webm 1\nvideos/raw.h264 0\nvideos/notes.mp4 0\nvideos/big.avi 1\n");
        Loaded loaded = load(dataset, dir.resolve("video-bad-items.json"));

        assertEquals(Map.of(Split.TRAIN, 3, Split.VALIDATION, 2), loaded.items(), "every good item arrives");
        Path list = root.resolve("video-train.txt");
        Map<String, String> train = new LinkedHashMap<>();
        train.put(item("videos/empty.mp4"), "empty file (0 bytes), expected a video");
        train.put(item("videos/cut.mp4"), "not a readable video (FFmpeg");
        train.put(item("videos/notes.mp4"), "not a readable video (FFmpeg avformat_open_input: Invalid data");
        train.put(item("videos/big.avi"), "the video's frame is 160x120 = 19200 pixels, more than "
                + "dataset.maxFramePixels 10000");
        train.put(list + ":8", "path 'videos/leak.avi' leads out of the dataset root " + root
                + " through a symbolic link");
        train.put(item("videos/missing.avi"), "video file not found");
        train.put(list + ":10", "expected 2 fields 'path label', got 1");
        assertBad(loaded.bad().get(Split.TRAIN), train, loaded.file(), "train");
        Map<String, String> val = new LinkedHashMap<>();
        val.put(item("videos/notes.mp4"), "not a readable video");
        val.put(item("videos/big.avi"), "19200 pixels, more than dataset.maxFramePixels 10000");
        assertBad(loaded.bad().get(Split.VALIDATION), val, loaded.file(), "val");
    }

    @Test
    void brokenFrameFoldersAreSkippedAndListedAndTheGoodOnesLoad() throws IOException {
        MiniMedia.writeFrames(root.resolve("frames/good0"), 6, "img_%05d.jpg", Color.RED);
        MiniMedia.writeFrames(root.resolve("frames/good1"), 6, "img_%05d.jpg", Color.GREEN);
        Path huge = Files.createDirectories(root.resolve("frames/huge"));
        Path zeros = Files.createDirectories(root.resolve("frames/zeros"));
        Path linked = Files.createDirectories(root.resolve("frames/linked"));
        for (int t = 1; t <= 6; t++) {
            String name = String.format("img_%05d.jpg", t);
            Files.write(huge.resolve(name), t % 2 == 0 ? MiniMedia.pngClaiming(30_000, 30_000)
                    : MiniMedia.jpegClaiming(30_000, 30_000));
            Files.createFile(zeros.resolve(name));
            Files.createSymbolicLink(linked.resolve(name), outside.resolve("frames").resolve(name));
        }
        Files.createSymbolicLink(root.resolve("frames/leak"), outside.resolve("frames"));
        Dataset dataset = openList("frames",
                "frames/good0 6 0\nframes/huge 6 1\nframes/zeros 6 0\nframes/good1 6 1\nframes/linked 6 0\n"
                        + "frames/leak 6 1\nframes/good0 six 0\n",
                "frames/good1 6 1\nframes/huge 6 0\n");
        Loaded loaded = load(dataset, dir.resolve("frames-bad-items.json"));

        assertEquals(Map.of(Split.TRAIN, 2, Split.VALIDATION, 1), loaded.items());
        Path list = root.resolve("frames-train.txt");
        Map<String, String> train = new LinkedHashMap<>();
        train.put(item("frames/huge"), "is 30000x30000 = 900000000 pixels, more than dataset.maxFramePixels 10000");
        train.put(item("frames/zeros"), "empty file (0 bytes), expected a JPEG or PNG frame");
        train.put(item("frames/linked"), "is a symbolic link to " + outside.toRealPath().resolve("frames")
                + "/img_0000");
        train.put(list + ":6", "path 'frames/leak' leads out of the dataset root");
        train.put(list + ":7", "expected a whole number for the frame count, got 'six'");
        assertBad(loaded.bad().get(Split.TRAIN), train, loaded.file(), "train");
        assertBad(loaded.bad().get(Split.VALIDATION), Map.of(item("frames/huge"), "30000x30000"), loaded.file(),
                "val");
    }

    @Test
    void brokenFrameArchivesAreSkippedAndListedAndTheGoodOnesLoad() throws IOException {
        MiniMedia.writeFrameZip(root.resolve("zips/good0.zip"), 6, "img_%05d.jpg", "", Color.RED);
        MiniMedia.writeFrameZip(root.resolve("zips/good1.zip"), 6, "img_%05d.jpg", "good1", Color.GREEN);
        Map<String, byte[]> evil = new LinkedHashMap<>();
        for (int t = 1; t <= 6; t++) {
            evil.put(String.format("img_%05d.jpg", t), MiniMedia.jpegClaiming(MiniMedia.WIDTH, MiniMedia.HEIGHT));
        }
        evil.put("../../evil.jpg", new byte[] {1, 2, 3});
        MiniMedia.writeZip(root.resolve("zips/evil.zip"), evil);
        Map<String, byte[]> huge = new LinkedHashMap<>();
        for (int t = 1; t <= 6; t++) {
            huge.put(String.format("img_%05d.jpg", t), MiniMedia.pngClaiming(30_000, 30_000));
        }
        MiniMedia.writeZip(root.resolve("zips/huge.zip"), huge);
        Files.createFile(root.resolve("zips/empty.zip"));
        MiniMedia.write(root.resolve("zips/notes.zip"), "not an archive\n");
        Files.createSymbolicLink(root.resolve("zips/leak.zip"), outside.resolve("secret.zip"));
        Dataset dataset = openList("zip",
                "zips/good0.zip 6 0\nzips/evil.zip 6 1\nzips/huge 6 0\nzips/good1 6 1\nzips/empty 6 0\n"
                        + "zips/notes 6 1\nzips/leak 6 0\n",
                "zips/good0 6 0\nzips/evil 6 1\n");
        Loaded loaded = load(dataset, dir.resolve("zip-bad-items.json"));

        assertEquals(Map.of(Split.TRAIN, 2, Split.VALIDATION, 1), loaded.items());
        Path list = root.resolve("zip-train.txt");
        Path evilZip = root.resolve("zips/evil.zip");
        Map<String, String> train = new LinkedHashMap<>();
        train.put("zips/evil.zip (" + evilZip + ")", "entry '../../evil.jpg' of " + evilZip
                + " leaves the archive's folder");
        train.put("zips/huge (" + root.resolve("zips/huge.zip") + ")", "!/img_0000");
        train.put("zips/empty (" + root.resolve("zips/empty.zip") + ")", "not a readable zip archive: "
                + root.resolve("zips/empty.zip"));
        train.put("zips/notes (" + root.resolve("zips/notes.zip") + ")", "not a readable zip archive");
        train.put(list + ":7", "path 'zips/leak.zip' leads out of the dataset root");
        assertBad(loaded.bad().get(Split.TRAIN), train, loaded.file(), "train");
        assertTrue(loaded.bad().get(Split.TRAIN).stream().filter(b -> b.source().startsWith("zips/huge"))
                .allMatch(b -> b.reason().endsWith("is 30000x30000 = 900000000 pixels, more than "
                        + "dataset.maxFramePixels 10000")), loaded.bad().toString());
        assertBad(loaded.bad().get(Split.VALIDATION), Map.of("zips/evil (" + evilZip + ")", "leaves the archive's"),
                loaded.file(), "val");
    }

    @Test
    void aStuckDecodeIsGivenUpAndThePassFinishes() throws IOException {
        MiniMedia.writeFrames(root.resolve("frames/good0"), 6, "img_%05d.jpg", Color.RED);
        MiniMedia.writeFrames(root.resolve("frames/stuck"), 6, "img_%05d.jpg", Color.GREEN);
        MiniMedia.writeFrames(root.resolve("frames/good1"), 6, "img_%05d.jpg", Color.GREEN);
        MiniMedia.write(root.resolve("stuck.txt"), "frames/good0 6 0\nframes/stuck 6 1\nframes/good1 6 1\n");
        ClipSettings settings = ClipSettings.read(new PluginConfig("dataset", map("format", "frames", "frames", 4,
                "size", 16, "decodeTimeoutSeconds", 1)));
        ClipDecoder frames = settings.decoder();
        CountDownLatch release = new CountDownLatch(1);
        ClipDecoder stuckOnOne = (path, hint, pick) -> {
            while (path.endsWith("stuck") && release.getCount() > 0) {
                try {
                    release.await(10, TimeUnit.SECONDS); // as FFmpeg inside one call: deaf to interruption
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
            return frames.decode(path, hint, pick);
        };
        Dataset opened = open(new ListDatasetProvider(), map("root", root.toString(), "train", "stuck.txt",
                "val", "stuck.txt", "classes", 2, "format", "frames", "frames", 4, "size", 16));
        FileClipDataset dataset = new FileClipDataset(settings, ((FileClipDataset) opened).manifest(), stuckOnOne);
        try {
            Loaded loaded = load(dataset, dir.resolve("stuck-bad-items.json"));
            assertEquals(Map.of(Split.TRAIN, 2, Split.VALIDATION, 2), loaded.items());
            String reason = "decoding took longer than dataset.decodeTimeoutSeconds 1 s and was given up";
            assertBad(loaded.bad().get(Split.TRAIN), Map.of(item("frames/stuck"), reason), loaded.file(), "train");
            assertBad(loaded.bad().get(Split.VALIDATION), Map.of(item("frames/stuck"), reason), loaded.file(), "val");
        } finally {
            release.countDown();
        }
    }
}
