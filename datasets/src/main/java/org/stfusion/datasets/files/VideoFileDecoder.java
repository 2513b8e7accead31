package org.stfusion.datasets.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Reads video files with JavaCV's {@link FFmpegFrameGrabber}. Frames are decoded in order up to the last one needed;
 * only the needed ones are converted to RGB24 (by FFmpeg) and copied. The container's frame count may be wrong
 * (WebM has none, some AVIs overstate it), so if the file ends early the indices are picked again from the real
 * count and the file is read a second time.
 */
final class VideoFileDecoder implements ClipDecoder {
    /** Used when the container states no frame count; the real count is then found by decoding to the end. */
    private static final int UNKNOWN_LENGTH = Integer.MAX_VALUE / 2;
    private static final Pattern FFMPEG_ERROR = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");

    static {
        // The grabber otherwise prints stream information and warnings for every file to stderr.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    @Override
    public List<RgbFrame> decode(Path video, int frameCountHint, IntFunction<int[]> pick) throws IOException {
        if (!Files.isRegularFile(video)) {
            throw new NoSuchFileException(video.toString(), null, "video file not found");
        }
        Attempt first = attempt(video, frameCountHint, pick);
        if (first.frames() != null) {
            return first.frames();
        }
        if (first.decoded() == 0) {
            throw new IOException("no decodable video frames in " + video);
        }
        Attempt second = attempt(video, first.decoded(), pick);
        if (second.frames() == null) {
            throw new IOException("decoded " + second.decoded() + " frames of " + video + " where " + first.decoded()
                    + " were decoded before");
        }
        return second.frames();
    }

    /** The picked frames, or null frames and the number of frames the file really has if it ended too early. */
    private record Attempt(List<RgbFrame> frames, int decoded) {
    }

    private static Attempt attempt(Path video, int frameCount, IntFunction<int[]> pick) throws IOException {
        try {
            return grabAll(video, frameCount, pick);
        } catch (FrameGrabber.Exception e) {
            throw new IOException(video + ": " + describe(e), e);
        }
    }

    /**
     * JavaCV's messages carry the FFmpeg function and error code plus advice for programmers ("Has setFormat() been
     * called?"); the user needs the function and FFmpeg's text for the code.
     */
    static String describe(FrameGrabber.Exception e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = FFMPEG_ERROR.matcher(message);
        if (!m.find()) {
            return "not a readable video: " + message;
        }
        byte[] text = new byte[256];
        int code = Integer.parseInt(m.group(2));
        String reason = avutil.av_strerror(code, text, text.length) == 0
                ? new String(text, 0, length(text), StandardCharsets.UTF_8) : "error " + code;
        return "not a readable video (FFmpeg " + m.group(1) + ": " + reason + ")";
    }

    private static int length(byte[] cString) {
        int n = 0;
        while (n < cString.length && cString[n] != 0) {
            n++;
        }
        return n;
    }

    private static Attempt grabAll(Path video, int frameCount, IntFunction<int[]> pick) throws IOException {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            grabber.setOption("threads", "1"); // parallelism comes from decoding several clips at once
            grabber.start();
            int count = frameCount > 0 ? frameCount : grabber.getLengthInVideoFrames();
            count = count > 0 ? count : UNKNOWN_LENGTH;
            int[] indices = pick.apply(count);
            for (int index : indices) {
                if (index < 0 || index >= count) {
                    throw new IllegalArgumentException("frame index " + index + " outside [0, " + count + ")");
                }
            }
            return grab(grabber, indices);
        }
    }

    private static Attempt grab(FFmpegFrameGrabber grabber, int[] indices) throws IOException {
        int last = Arrays.stream(indices).max().orElse(-1);
        boolean[] needed = new boolean[last + 1];
        for (int index : indices) {
            needed[index] = true;
        }
        RgbFrame[] wanted = new RgbFrame[last + 1];
        int decoded = 0;
        while (decoded <= last) {
            // Skipped frames are decoded (the codec needs them) but not converted to RGB.
            Frame frame = grabber.grabFrame(false, true, needed[decoded], false);
            if (frame == null) {
                break;
            }
            if (needed[decoded]) {
                wanted[decoded] = toRgb(frame); // the grabber reuses its buffer, so copy now
            }
            decoded++;
        }
        if (decoded <= last) {
            return new Attempt(null, decoded); // the file ended: decoded is its real frame count
        }
        List<RgbFrame> frames = new ArrayList<>(indices.length);
        for (int index : indices) {
            frames.add(wanted[index]);
        }
        return new Attempt(frames, decoded);
    }

    private static RgbFrame toRgb(Frame frame) {
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        int rowBytes = w * 3;
        ByteBuffer buffer = (ByteBuffer) frame.image[0];
        byte[] rgb = new byte[h * rowBytes];
        for (int y = 0; y < h; y++) {
            buffer.get(y * frame.imageStride, rgb, y * rowBytes, rowBytes);
        }
        return new RgbFrame(w, h, rgb);
    }
}
