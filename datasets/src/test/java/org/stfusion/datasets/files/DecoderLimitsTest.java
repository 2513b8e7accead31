package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each decoder under its {@link MediaLimits}: streams of unknown length, frame counts, frame sizes (also as headers
 * claim them) and decoded bytes per clip over the caps, empty frames and frame files linked out of their folder.
 */
@Timeout(60)
class DecoderLimitsTest {
    private static final FramePattern PATTERN = FramePattern.parse("img_{:05d}.jpg");

    @TempDir
    Path dir;

    private static MediaLimits limits(int maxItemFrames, long maxFramePixels, long maxClipBytes) {
        return new MediaLimits(maxItemFrames, maxFramePixels, maxClipBytes, 60, "dataset");
    }

    @Test
    void aRawH264StreamStatesNoLengthSoItsFramesAreCountedBeforeTheSamplerPicks() throws IOException {
        Path h264 = MiniMedia.writeVideo(dir.resolve("clip.h264"), 30, Color.RED);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(h264.toFile())) {
            grabber.start();
            assertTrue(grabber.getLengthInVideoFrames() <= 0, "the case under test: FFmpeg knows no frame count");
        }
        List<Integer> counts = new ArrayList<>();
        List<RgbFrame> frames = new VideoFileDecoder().decode(h264, 0, count -> {
            counts.add(count);
            return new int[] {0, 14, 29, 14};
        });
        assertEquals(List.of(30), counts, "the sampler sees the real count, once, and never a made-up one");
        assertEquals(4, frames.size());
        assertEquals(DecoderTest.squareLeft(0), DecoderTest.leftEdgeOfSquare(frames.get(0)), 2);
        assertEquals(DecoderTest.squareLeft(14), DecoderTest.leftEdgeOfSquare(frames.get(1)), 2);
        assertEquals(DecoderTest.squareLeft(29), DecoderTest.leftEdgeOfSquare(frames.get(2)), 2);
        assertTrue(frames.get(1) == frames.get(3), "a repeated index is decoded once");
    }

    @Test
    void countingAStreamOfUnknownLengthStopsPastTheFrameCap() throws IOException {
        Path h264 = MiniMedia.writeVideo(dir.resolve("long.h264"), 30, Color.RED);
        List<Integer> counts = new ArrayList<>();
        VideoFileDecoder decoder = new VideoFileDecoder(limits(10, 1 << 20, 1 << 30));
        IOException e = assertThrows(IOException.class, () -> decoder.decode(h264, 0, count -> {
            counts.add(count);
            return new int[] {0};
        }));
        assertEquals("the video holds at least 11 frames, more than dataset.maxItemFrames 10", e.getMessage());
        assertEquals(List.of(), counts, "refused before anything is picked");
    }

    @Test
    void aStatedFrameCountOverTheCapIsNotTrustedButCounted() throws IOException {
        Path avi = MiniMedia.writeVideo(dir.resolve("clip.avi"), 20, Color.RED);
        List<Integer> counts = new ArrayList<>();
        // The container states 20, a list 1 000 000: both over the cap of 25 or not, the frames decide.
        List<RgbFrame> frames = new VideoFileDecoder(limits(25, 1 << 20, 1 << 30)).decode(avi, 1_000_000, count -> {
            counts.add(count);
            return new int[] {count - 1};
        });
        assertEquals(List.of(20), counts);
        assertEquals(DecoderTest.squareLeft(19), DecoderTest.leftEdgeOfSquare(frames.get(0)), 1);
        IOException e = assertThrows(IOException.class,
                () -> new VideoFileDecoder(limits(10, 1 << 20, 1 << 30)).decode(avi, 0, count -> new int[] {0}));
        assertEquals("the video holds at least 11 frames, more than dataset.maxItemFrames 10", e.getMessage());
    }

    @Test
    void videoFramesOverThePixelCapOrAClipOverTheByteCapAreRefused() throws IOException {
        Path avi = MiniMedia.writeVideo(dir.resolve("clip.avi"), 8, Color.RED); // 64 x 48 = 3072 pixels
        IOException e = assertThrows(IOException.class,
                () -> new VideoFileDecoder(limits(100, 3000, 1 << 30)).decode(avi, 0, count -> new int[] {0}));
        assertEquals("the video's frame is 64x48 = 3072 pixels, more than dataset.maxFramePixels 3000",
                e.getMessage());
        // 3 distinct frames of 9216 bytes; the repeated index costs nothing
        VideoFileDecoder twoFrames = new VideoFileDecoder(limits(100, 3072, 2 * 9216));
        assertEquals(4, twoFrames.decode(avi, 0, count -> new int[] {1, 5, 5, 1}).size());
        e = assertThrows(IOException.class, () -> twoFrames.decode(avi, 0, count -> new int[] {1, 5, 6}));
        assertEquals("a clip of 3 frames of 64x48 needs 27648 bytes of RGB, more than dataset.maxClipMiB "
                + "(18432 bytes)", e.getMessage());
        Path h264 = MiniMedia.writeVideo(dir.resolve("clip.h264"), 8, Color.RED);
        e = assertThrows(IOException.class, () -> twoFrames.decode(h264, 0, count -> new int[] {1, 5, 6}));
        assertTrue(e.getMessage().startsWith("a clip of 3 frames of 64x48 needs 27648 bytes"), e.getMessage());
    }

    @Test
    void aZeroByteFileATextFileAndATruncatedVideoAreOneLineErrorsNamingTheFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        IOException refused = assertThrows(IOException.class,
                () -> new VideoFileDecoder().decode(empty, 0, count -> new int[] {0}));
        assertEquals(empty + ": empty file (0 bytes), expected a video", refused.getMessage());
        Path text = Files.writeString(dir.resolve("notes.mp4"), "these are my holiday notes, not a video\n");
        byte[] whole = Files.readAllBytes(MiniMedia.writeVideo(dir.resolve("whole.mp4"), 20, Color.RED));
        Path cut = Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(whole, whole.length / 3));
        for (Path file : List.of(text, cut)) {
            IOException e = assertThrows(IOException.class,
                    () -> new VideoFileDecoder().decode(file, 0, count -> new int[] {count - 1}));
            assertTrue(e.getMessage().startsWith(file + ": not a readable video (FFmpeg "), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void imageHeadersClaimingHugeFramesAreRefusedBeforeDecoding() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("huge"));
        Files.write(folder.resolve("img_00001.jpg"), MiniMedia.jpegClaiming(30_000, 30_000));
        Files.write(folder.resolve("img_00002.jpg"), MiniMedia.pngClaiming(30_000, 30_000));
        FrameFolderDecoder frames = new FrameFolderDecoder(PATTERN, 1);
        for (int index = 0; index < 2; index++) {
            int frame = index;
            IOException e = assertThrows(IOException.class, () -> frames.decode(folder, 2, n -> new int[] {frame}));
            assertEquals(folder.resolve("img_0000" + (frame + 1) + ".jpg") + " is 30000x30000 = 900000000 pixels, "
                    + "more than dataset.maxFramePixels 67108864", e.getMessage());
        }
        Path zip = MiniMedia.writeZip(dir.resolve("huge.zip"),
                Map.of("img_00001.jpg", MiniMedia.pngClaiming(30_000, 30_000)));
        IOException e = assertThrows(IOException.class,
                () -> new ZipFramesDecoder(PATTERN, 1).decode(zip, 0, n -> new int[] {0}));
        assertEquals(zip + "!/img_00001.jpg is 30000x30000 = 900000000 pixels, more than dataset.maxFramePixels "
                + "67108864", e.getMessage());
    }

    @Test
    void imageFramesAndClipsAreCheckedAgainstTheCaps() throws IOException {
        Path folder = MiniMedia.writeFrames(dir.resolve("clip"), 6, "img_%05d.jpg", Color.RED);
        Path zip = MiniMedia.writeFrameZip(dir.resolve("clip.zip"), 6, "img_%05d.jpg", "", Color.RED);
        MediaLimits twoFrames = limits(6, 3072, 2 * 9216);
        List<ClipDecoder> decoders = List.of(new FrameFolderDecoder(PATTERN, 1, twoFrames),
                new ZipFramesDecoder(PATTERN, 1, twoFrames));
        List<Path> items = List.of(folder, zip);
        for (int d = 0; d < 2; d++) {
            ClipDecoder decoder = decoders.get(d);
            Path item = items.get(d);
            assertEquals(3, decoder.decode(item, 0, n -> new int[] {0, 3, 0}).size());
            IOException e = assertThrows(IOException.class, () -> decoder.decode(item, 0, n -> new int[] {0, 3, 4}));
            assertTrue(e.getMessage().endsWith("img_00005.jpg brings the clip's decoded frames to 27648 bytes, more "
                    + "than dataset.maxClipMiB (18432 bytes)"), e.getMessage());
            e = assertThrows(IOException.class, () -> decoder.decode(item, 7, n -> new int[] {0}));
            assertEquals("the list states 7 frames, more than dataset.maxItemFrames 6", e.getMessage());
            ClipDecoder small = d == 0 ? new FrameFolderDecoder(PATTERN, 1, limits(5, 3072, 1 << 20))
                    : new ZipFramesDecoder(PATTERN, 1, limits(5, 3072, 1 << 20));
            e = assertThrows(IOException.class, () -> small.decode(item, 0, n -> new int[] {0}));
            assertEquals((d == 0 ? "the folder holds 6" : "the archive holds at least 6")
                    + " frames, more than dataset.maxItemFrames 5", e.getMessage());
        }
    }

    @Test
    void zeroByteFramesAreRefusedAsEmpty() throws IOException {
        Path folder = MiniMedia.writeFrames(dir.resolve("clip"), 2, "img_%05d.jpg", Color.RED);
        Files.write(folder.resolve("img_00002.jpg"), new byte[0]);
        IOException e = assertThrows(IOException.class,
                () -> new FrameFolderDecoder(PATTERN, 1).decode(folder, 0, n -> new int[] {0, 1}));
        assertEquals(folder.resolve("img_00002.jpg") + ": empty file (0 bytes), expected a JPEG or PNG frame",
                e.getMessage());
        Path zip = MiniMedia.writeZip(dir.resolve("empty-frame.zip"), Map.of("img_00001.jpg", new byte[0]));
        e = assertThrows(IOException.class, () -> new ZipFramesDecoder(PATTERN, 1).decode(zip, 0, n -> new int[] {0}));
        assertEquals(zip + "!/img_00001.jpg: empty entry (0 bytes), expected a JPEG or PNG frame", e.getMessage());
    }

    @Test
    void aFrameFileLinkedOutOfItsFolderIsRefused() throws IOException {
        Path secret = MiniMedia.writeFrames(dir.resolve("elsewhere"), 1, "img_%05d.jpg", Color.BLUE)
                .resolve("img_00001.jpg");
        Path folder = MiniMedia.writeFrames(dir.resolve("clip"), 3, "img_%05d.jpg", Color.RED);
        Files.delete(folder.resolve("img_00002.jpg"));
        Files.createSymbolicLink(folder.resolve("img_00002.jpg"), secret);
        FrameFolderDecoder decoder = new FrameFolderDecoder(PATTERN, 1);
        assertEquals(2, decoder.decode(folder, 0, n -> new int[] {0, 2}).size(), "the plain frames read");
        IOException e = assertThrows(IOException.class, () -> decoder.decode(folder, 0, n -> new int[] {0, 1}));
        assertEquals(folder.resolve("img_00002.jpg") + " is a symbolic link to " + secret.toRealPath()
                + ", outside its item's folder", e.getMessage());
    }
}
