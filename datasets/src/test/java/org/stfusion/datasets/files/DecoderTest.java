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
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoderTest {
    @TempDir
    Path dir;

    @Test
    void frameFolderDecodesThePickedFramesInOrder() throws IOException {
        MiniMedia.writeFrames(dir.resolve("clip"), 10, "img_%05d.jpg", Color.RED);
        ClipDecoder decoder = new FrameFolderDecoder(FramePattern.parse("img_{:05d}.jpg"), 1);
        List<RgbFrame> frames = decoder.decode(dir.resolve("clip"), 0, count -> {
            assertEquals(10, count, "frames counted in the folder");
            return new int[] {0, 4, 9, 4};
        });
        assertEquals(4, frames.size());
        assertEquals(MiniMedia.WIDTH, frames.get(0).width());
        assertEquals(MiniMedia.HEIGHT, frames.get(0).height());
        assertEquals(squareLeft(0), leftEdgeOfSquare(frames.get(0)), 1);
        assertEquals(squareLeft(4), leftEdgeOfSquare(frames.get(1)), 1);
        assertEquals(squareLeft(9), leftEdgeOfSquare(frames.get(2)), 1);
        assertTrue(frames.get(1) == frames.get(3), "a repeated index is decoded once");
        assertTrue(red(frames.get(0), squareLeft(0) + 6, 24) > 200, "RGB order: the red square is red");
    }

    @Test
    void frameFolderUsesTheConfiguredPatternAndFirstNumber() throws IOException {
        MiniMedia.writeFrames(dir.resolve("clip"), 3, "%06d.jpg", Color.GREEN);
        ClipDecoder decoder = new FrameFolderDecoder(FramePattern.parse("{:06d}.jpg"), 1);
        assertEquals(2, decoder.decode(dir.resolve("clip"), 3, count -> new int[] {0, 2}).size());
    }

    @Test
    void videoDecodesThePickedFramesAsRgb() throws IOException {
        Path avi = MiniMedia.writeVideo(dir.resolve("clip.avi"), 20, Color.RED);
        List<RgbFrame> frames = new VideoFileDecoder().decode(avi, 0, count -> {
            assertEquals(20, count, "frame count from the container");
            return new int[] {0, 5, 19};
        });
        assertEquals(3, frames.size());
        assertEquals(squareLeft(0), leftEdgeOfSquare(frames.get(0)), 1);
        assertEquals(squareLeft(5), leftEdgeOfSquare(frames.get(1)), 1);
        assertEquals(squareLeft(19), leftEdgeOfSquare(frames.get(2)), 1);
        assertTrue(red(frames.get(0), squareLeft(0) + 6, 24) > 180, "RGB order: the red square is red");
    }

    @Test
    void webmVp9DecodesThoughTheContainerStatesNoFrameCount() throws IOException {
        Path webm = MiniMedia.writeVideo(dir.resolve("clip.webm"), 12, Color.RED);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(webm.toFile())) {
            grabber.start();
            assertEquals(avcodec.AV_CODEC_ID_VP9, grabber.getVideoCodec(), "Something-Something V2's codec");
        }
        List<Integer> counts = new ArrayList<>();
        List<RgbFrame> frames = new VideoFileDecoder().decode(webm, 0, count -> {
            counts.add(count);
            return new int[] {0, 5, count - 1};
        });
        assertEquals(12, counts.get(counts.size() - 1), "picked from the real count in the end: " + counts);
        assertEquals(squareLeft(0), leftEdgeOfSquare(frames.get(0)), 2);
        assertEquals(squareLeft(5), leftEdgeOfSquare(frames.get(1)), 2);
        assertEquals(squareLeft(11), leftEdgeOfSquare(frames.get(2)), 2);
    }

    @Test
    void anOverstatedFrameCountIsReplacedByTheRealOne() throws IOException {
        Path avi = MiniMedia.writeVideo(dir.resolve("clip.avi"), 16, Color.RED);
        List<Integer> counts = new ArrayList<>();
        List<RgbFrame> frames = new VideoFileDecoder().decode(avi, 40, count -> {
            counts.add(count);
            return new int[] {count - 1};
        });
        assertEquals(List.of(40, 16), counts, "picked again from the real count");
        assertEquals(squareLeft(15), leftEdgeOfSquare(frames.get(0)), 1);
    }

    @Test
    void missingEmptyAndCorruptMediaAreIoErrorsNamingTheFile() throws IOException {
        VideoFileDecoder video = new VideoFileDecoder();
        Path missing = dir.resolve("missing.avi");
        Path empty = Files.createFile(dir.resolve("empty.avi"));
        Path corrupt = Files.write(dir.resolve("corrupt.avi"), "RIFF this is not a video".getBytes());
        for (Path file : List.of(missing, empty, corrupt)) {
            IOException e = assertThrows(IOException.class, () -> video.decode(file, 0, n -> new int[] {0}));
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        }
        Path frames = MiniMedia.writeFrames(dir.resolve("clip"), 2, "img_%05d.jpg", Color.RED);
        Files.write(frames.resolve("img_00002.jpg"), new byte[] {1, 2, 3});
        ClipDecoder folder = new FrameFolderDecoder(FramePattern.parse("img_{:05d}.jpg"), 1);
        IOException e = assertThrows(IOException.class, () -> folder.decode(frames, 2, n -> new int[] {0, 1}));
        assertTrue(e.getMessage().contains("img_00002.jpg"), e.getMessage());
        e = assertThrows(IOException.class, () -> folder.decode(dir.resolve("nothing"), 0, n -> new int[] {0}));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
    }

    @Test
    void aVideoCutInHalfGivesTheFramesThatSurvive() throws IOException {
        // Matroska survives a cut; an AVI cut in half does not open at all (a bad item, see ListDatasetTest).
        byte[] whole = Files.readAllBytes(MiniMedia.writeVideo(dir.resolve("whole.mkv"), 20, Color.RED));
        Path half = Files.write(dir.resolve("half.mkv"), java.util.Arrays.copyOf(whole, whole.length / 2));
        List<Integer> counts = new ArrayList<>();
        List<RgbFrame> frames = new VideoFileDecoder().decode(half, 0, count -> {
            counts.add(count);
            return new int[] {count - 1};
        });
        assertEquals(20, counts.get(0), "the header still claims every frame");
        assertEquals(2, counts.size(), "picked again from the frames that decode: " + counts);
        assertTrue(counts.get(1) > 0 && counts.get(1) < 20, "frames left: " + counts.get(1));
        assertEquals(squareLeft(counts.get(1) - 1), leftEdgeOfSquare(frames.get(0)), 1);
    }

    static int squareLeft(int t) {
        return 2 + 2 * t;
    }

    /** First column whose row-24 pixel is brighter than the background. */
    static int leftEdgeOfSquare(RgbFrame frame) {
        for (int x = 0; x < frame.width(); x++) {
            int p = (24 * frame.width() + x) * 3;
            int sum = (frame.rgb()[p] & 0xff) + (frame.rgb()[p + 1] & 0xff) + (frame.rgb()[p + 2] & 0xff);
            if (sum > 200) {
                return x;
            }
        }
        return -1;
    }

    private static int red(RgbFrame frame, int x, int y) {
        return frame.rgb()[(y * frame.width() + x) * 3] & 0xff;
    }
}
