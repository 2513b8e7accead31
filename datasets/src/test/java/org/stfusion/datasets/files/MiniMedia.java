package org.stfusion.datasets.files;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** Writes miniature clips for tests: a square moving right by 2 px per frame over a dark background. */
final class MiniMedia {
    static final int WIDTH = 64;
    static final int HEIGHT = 48;
    static final int SQUARE = 12;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // the recorder otherwise prints every stream to stderr
    }

    private MiniMedia() {
    }

    /** Frame {@code t}: the square's left edge is at x = 2 + 2t, its top at y = 18. */
    static BufferedImage frame(int t, int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(20, 20, 20));
        g.fillRect(0, 0, width, height);
        g.setColor(colour);
        g.fillRect(2 + 2 * t, height * 3 / 8, SQUARE, SQUARE);
        g.dispose();
        return image;
    }

    /** {@code count} JPEG frames named with a {@link String#format} pattern, numbered from 1. */
    static Path writeFrames(Path folder, int count, String javaPattern, Color colour) throws IOException {
        return writeFrames(folder, count, javaPattern, colour, WIDTH, HEIGHT);
    }

    static Path writeFrames(Path folder, int count, String javaPattern, Color colour, int width, int height)
            throws IOException {
        return writeFrames(folder, count, javaPattern, t -> frame(t, width, height, colour));
    }

    static Path writeFrames(Path folder, int count, String javaPattern, IntFunction<BufferedImage> frames)
            throws IOException {
        Files.createDirectories(folder);
        for (int t = 0; t < count; t++) {
            Path file = folder.resolve(String.format(Locale.ROOT, javaPattern, t + 1));
            if (!ImageIO.write(frames.apply(t), "jpg", file.toFile())) {
                throw new IOException("no JPEG writer");
            }
        }
        return folder;
    }

    /** An MPEG-4 Part 2 video (the UCF101/HMDB51 codec) of {@code count} frames; the container from the file name. */
    static Path writeVideo(Path file, int count, Color colour) throws IOException {
        return writeVideo(file, count, colour, WIDTH, HEIGHT);
    }

    static Path writeVideo(Path file, int count, Color colour, int width, int height) throws IOException {
        return writeVideo(file, count, width, height, t -> frame(t, width, height, colour));
    }

    /** {@code frames} must give TYPE_3BYTE_BGR images of width × height. */
    static Path writeVideo(Path file, int count, int width, int height, IntFunction<BufferedImage> frames)
            throws IOException {
        Files.createDirectories(file.getParent());
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0)) {
            String name = file.getFileName().toString();
            recorder.setFormat(name.substring(name.lastIndexOf('.') + 1));
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.setGopSize(8);
            recorder.setVideoQuality(2);
            recorder.start();
            Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
            for (int t = 0; t < count; t++) {
                byte[] bgr = ((DataBufferByte) frames.apply(t).getRaster().getDataBuffer()).getData();
                ByteBuffer buffer = (ByteBuffer) frame.image[0];
                for (int y = 0; y < height; y++) {
                    buffer.put(y * frame.imageStride, bgr, y * width * 3, width * 3);
                }
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
        return file;
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, text);
    }
}
