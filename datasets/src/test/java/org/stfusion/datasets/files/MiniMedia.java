package org.stfusion.datasets.files;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes miniature clips for tests: a square moving right by 2 px per frame over a dark background, as JPEG frames,
 * zip archives of JPEG frames, MPEG-4 Part 2 videos (AVI/MP4, the UCF101/HMDB51 codec) or VP9 WebM videos
 * (Something-Something V2; the bundled LGPL FFmpeg build has libvpx-vp9).
 */
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

    /**
     * A video of {@code count} frames; the container from the file name, VP9 for .webm, a raw H.264 stream for
     * .h264, else MPEG-4 Part 2.
     */
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
            String container = name.substring(name.lastIndexOf('.') + 1);
            recorder.setFormat(container);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.setGopSize(8);
            if (container.equals("h264")) {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264); // a raw stream: no container, no frame count
            } else if (container.equals("webm")) {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_VP9);
                recorder.setVideoOption("deadline", "realtime");
                recorder.setVideoOption("cpu-used", "8");
                recorder.setVideoBitrate(400_000); // libvpx rejects the quality scale used for MPEG-4 below
            } else {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                recorder.setVideoQuality(2);
            }
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

    /** A zip archive of {@code count} JPEG frames named by {@code javaPattern}, under {@code folder/} if not empty. */
    static Path writeFrameZip(Path archive, int count, String javaPattern, String folder, Color colour)
            throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int t = 0; t < count; t++) {
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            if (!ImageIO.write(frame(t, WIDTH, HEIGHT, colour), "jpg", jpeg)) {
                throw new IOException("no JPEG writer");
            }
            String name = String.format(Locale.ROOT, javaPattern, t + 1);
            entries.put(folder.isEmpty() ? name : folder + "/" + name, jpeg.toByteArray());
        }
        return writeZip(archive, entries);
    }

    /** A zip archive with exactly these entries (names unchecked, so crafted archives can be written too). */
    static Path writeZip(Path archive, Map<String, byte[]> entries) throws IOException {
        Files.createDirectories(archive.toAbsolutePath().getParent());
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return archive;
    }

    /**
     * A PNG whose header claims {@code width} × {@code height} RGB pixels, followed by a few bytes of picture: what
     * a reader must refuse before it allocates the frame.
     */
    static byte[] pngClaiming(int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB, not interlaced
        pngChunk(png, "IHDR", header.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1024]);
        deflater.finish();
        byte[] picture = new byte[2048];
        pngChunk(png, "IDAT", java.util.Arrays.copyOf(picture, deflater.deflate(picture)));
        pngChunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void pngChunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.write(ByteBuffer.allocate(4).putInt(data.length).array());
        png.write(typeBytes);
        png.write(data);
        png.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A real JPEG of the miniature frame with the size in its SOF0 header replaced by {@code width} × {@code height}. */
    static byte[] jpegClaiming(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(frame(0, WIDTH, HEIGHT, Color.RED), "jpg", out);
        byte[] jpeg = out.toByteArray();
        for (int i = 2; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                ByteBuffer.wrap(jpeg, i + 5, 4).putShort((short) height).putShort((short) width);
                return jpeg;
            }
        }
        throw new IOException("no SOF0 marker in the JPEG ImageIO wrote");
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, text);
    }
}
