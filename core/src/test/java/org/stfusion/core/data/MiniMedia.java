package org.stfusion.core.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Miniature media in the formats the dataset plugins read, written at test time: a square moving right (class 0)
 * or left (class 1) over a dark background, as JPEG frames, zip archives of JPEG frames, MPEG-4 Part 2 videos
 * (AVI/MP4) or VP9 WebM videos. JavaCV comes to core's tests with the datasets module.
 */
final class MiniMedia {
    static final int WIDTH = 32;
    static final int HEIGHT = 24;
    private static final Color[] COLOURS = {new Color(230, 60, 40), new Color(40, 200, 90)};

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // the recorder otherwise prints every stream to stderr
    }

    private MiniMedia() {
    }

    static BufferedImage frame(int t, int label) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(20, 20, 20));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(COLOURS[label]);
        int x = label == 0 ? 2 + 2 * t : WIDTH - 10 - 2 * t;
        g.fillRect(x, 8, 8, 8);
        g.dispose();
        return image;
    }

    /** {@code count} JPEG frames named with a {@link String#format} pattern, numbered from 1. */
    static void writeFrames(Path folder, int count, String javaPattern, int label) throws IOException {
        Files.createDirectories(folder);
        for (int t = 0; t < count; t++) {
            Path file = folder.resolve(String.format(Locale.ROOT, javaPattern, t + 1));
            ImageIO.write(frame(t, label), "jpg", file.toFile());
        }
    }

    /** A zip archive of {@code count} JPEG frames at its top level. */
    static void writeFrameZip(Path archive, int count, String javaPattern, int label) throws IOException {
        Files.createDirectories(archive.getParent());
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            for (int t = 0; t < count; t++) {
                ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
                ImageIO.write(frame(t, label), "jpg", jpeg);
                zip.putNextEntry(new ZipEntry(String.format(Locale.ROOT, javaPattern, t + 1)));
                zip.write(jpeg.toByteArray());
                zip.closeEntry();
            }
        }
    }

    /** A video of {@code count} frames; the container from the file name, VP9 for .webm, else MPEG-4 Part 2. */
    static void writeVideo(Path file, int count, int label) throws IOException {
        Files.createDirectories(file.getParent());
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0)) {
            String name = file.getFileName().toString();
            String container = name.substring(name.lastIndexOf('.') + 1);
            recorder.setFormat(container);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(12);
            recorder.setGopSize(8);
            if (container.equals("webm")) {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_VP9);
                recorder.setVideoOption("deadline", "realtime");
                recorder.setVideoOption("cpu-used", "8");
                recorder.setVideoBitrate(200_000); // libvpx rejects the quality scale used for MPEG-4 below
            } else {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                recorder.setVideoQuality(2);
            }
            recorder.start();
            Frame frame = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
            for (int t = 0; t < count; t++) {
                byte[] bgr = ((DataBufferByte) frame(t, label).getRaster().getDataBuffer()).getData();
                ByteBuffer buffer = (ByteBuffer) frame.image[0];
                for (int y = 0; y < HEIGHT; y++) {
                    buffer.put(y * frame.imageStride, bgr, y * WIDTH * 3, WIDTH * 3);
                }
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text);
    }
}
