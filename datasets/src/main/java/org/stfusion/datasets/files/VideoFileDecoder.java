package org.stfusion.datasets.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Reads video files with JavaCV's {@link FFmpegFrameGrabber}. Frames are decoded in order up to the last one needed;
 * only the needed ones are converted to RGB24 (by FFmpeg) and copied. The sampler needs the frame count, which the
 * container may not state (raw streams such as {@code .h264} and WebM have none) or may get wrong (some AVIs
 * overstate it, a header may claim anything): an unknown count, or one over {@code maxItemFrames}, is found by
 * decoding the stream to its end (stopping past the cap), and a file that ends early is read again with its indices
 * picked from the real count. Storage grows with the frames kept, never with a frame index, and every frame is
 * checked against the {@link MediaLimits} before it is copied.
 */
final class VideoFileDecoder implements ClipDecoder {
    private static final Pattern FFMPEG_ERROR = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");

    static {
        // The grabber otherwise prints stream information and warnings for every file to stderr.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final MediaLimits limits;

    VideoFileDecoder() {
        this(MediaLimits.DEFAULTS);
    }

    VideoFileDecoder(MediaLimits limits) {
        this.limits = limits;
    }

    @Override
    public List<RgbFrame> decode(Path video, int frameCountHint, IntFunction<int[]> pick) throws IOException {
        if (!Files.isRegularFile(video)) {
            throw new NoSuchFileException(video.toString(), null, "video file not found");
        }
        if (Files.size(video) == 0) {
            throw new IOException(video + ": empty file (0 bytes), expected a video");
        }
        try {
            return decodeFrames(video, frameCountHint, pick);
        } catch (FrameGrabber.Exception e) {
            throw new IOException(video + ": " + describe(e), e);
        }
    }

    private List<RgbFrame> decodeFrames(Path video, int frameCountHint, IntFunction<int[]> pick) throws IOException {
        int frameCount;
        try (FFmpegFrameGrabber grabber = open(video)) {
            int stated = frameCountHint > 0 ? frameCountHint : grabber.getLengthInVideoFrames();
            if (stated > 0 && stated <= limits.maxItemFrames()) {
                Attempt first = grab(grabber, video, stated, pick);
                if (first.frames() != null) {
                    return first.frames();
                }
                frameCount = first.decoded();
            } else {
                frameCount = countFrames(grabber, video);
            }
        }
        if (frameCount == 0) {
            throw new IOException("no decodable video frames in " + video);
        }
        try (FFmpegFrameGrabber grabber = open(video)) {
            Attempt again = grab(grabber, video, frameCount, pick);
            if (again.frames() == null) {
                throw new IOException("decoded " + again.decoded() + " frames of " + video + " where " + frameCount
                        + " were decoded before");
            }
            return again.frames();
        }
    }

    private static FFmpegFrameGrabber open(Path video) throws FrameGrabber.Exception {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        grabber.setOption("threads", "1"); // parallelism comes from decoding several clips at once
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return grabber;
    }

    /** The picked frames, or null frames and the number of frames the file really has if it ended too early. */
    private record Attempt(List<RgbFrame> frames, int decoded) {
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

    /** Decodes the whole stream without converting a frame, to count its frames; past the cap it stops. */
    private int countFrames(FFmpegFrameGrabber grabber, Path video) throws IOException {
        int decoded = 0;
        while (grabber.grabFrame(false, true, false, false) != null) {
            checkInterrupted(video);
            decoded++;
            limits.checkItemFrames(decoded, "the video holds at least");
        }
        return decoded;
    }

    /** Decodes frames in order up to the last index {@code pick} chooses from {@code frameCount}. */
    private Attempt grab(FFmpegFrameGrabber grabber, Path video, int frameCount, IntFunction<int[]> pick)
            throws IOException {
        int[] indices = pick.apply(frameCount);
        for (int index : indices) {
            if (index < 0 || index >= frameCount) {
                throw new IllegalArgumentException("frame index " + index + " outside [0, " + frameCount + ")");
            }
        }
        // The distinct indices in order: what to keep, however far into the video they are.
        int[] wanted = Arrays.stream(indices).distinct().sorted().toArray();
        MediaLimits.Budget budget = limits.budget();
        budget.checkClip(wanted.length, grabber.getImageWidth(), grabber.getImageHeight());
        Map<Integer, RgbFrame> kept = new HashMap<>(2 * wanted.length);
        int decoded = 0;
        for (int next = 0; next < wanted.length; decoded++) {
            checkInterrupted(video);
            boolean keep = decoded == wanted[next];
            // Skipped frames are decoded (the codec needs them) but not converted to RGB.
            Frame frame = grabber.grabFrame(false, true, keep, false);
            if (frame == null) {
                return new Attempt(null, decoded); // the file ended: decoded is its real frame count
            }
            if (keep) {
                kept.put(decoded, toRgb(frame, decoded, budget)); // the grabber reuses its buffer, so copy now
                next++;
            }
        }
        List<RgbFrame> frames = new ArrayList<>(indices.length);
        for (int index : indices) {
            frames.add(kept.get(index));
        }
        return new Attempt(frames, decoded);
    }

    private static void checkInterrupted(Path video) throws InterruptedIOException {
        // FFmpeg cannot be interrupted inside a call, but between frames a timed-out decode stops here.
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("decoding " + video + " was interrupted");
        }
    }

    private static RgbFrame toRgb(Frame frame, int index, MediaLimits.Budget budget) throws IOException {
        if (frame.image == null || !(frame.image[0] instanceof ByteBuffer buffer)) {
            throw new IOException("frame " + index + " has no picture");
        }
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        byte[] rgb = new byte[budget.take(w, h, "frame " + index)];
        int rowBytes = w * 3; // cannot overflow: the budget checked w × h × 3
        for (int y = 0; y < h; y++) {
            buffer.get(Math.multiplyExact(y, frame.imageStride), rgb, y * rowBytes, rowBytes);
        }
        return new RgbFrame(w, h, rgb);
    }
}
