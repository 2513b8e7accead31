package org.stfusion.datasets.files;

import java.io.IOException;
import java.util.Locale;
import org.stfusion.api.config.PluginConfig;

/**
 * What decoding one item may read and hold, so that a broken or hostile file costs one bad item instead of the
 * run: at most {@code maxItemFrames} frames in an item (decoding a video to find its length stops there), frames of
 * at most {@code maxFramePixels} pixels, at most {@code maxClipBytes} bytes of decoded RGB per clip, and at most
 * {@code decodeTimeoutSeconds} per clip. All sizes are computed in {@code long}, so no header can overflow them.
 * {@code section} is the config section the keys live in, for messages that name the key to change.
 */
record MediaLimits(int maxItemFrames, long maxFramePixels, long maxClipBytes, int decodeTimeoutSeconds,
                   String section) {

    /** 100 000 frames is over an hour at 25 fps: far past any action clip, still a bounded decode. */
    static final int DEFAULT_MAX_ITEM_FRAMES = 100_000;
    /** 8192 × 8192 (64 Mpx, 192 MiB as RGB): every video format up to 8K (7680 × 4320, DCI 8192 × 4320) fits. */
    static final int DEFAULT_MAX_FRAME_PIXELS = 8192 * 8192;
    /** 1 GiB of RGB: 16 frames of 4K (3840 × 2160) take 380 MiB; two decoding workers stay well inside the heap. */
    static final int DEFAULT_MAX_CLIP_MIB = 1024;
    /** Generous: a clip of an ordinary dataset item decodes in well under a second; two minutes means stuck. */
    static final int DEFAULT_DECODE_TIMEOUT_SECONDS = 120;
    /** A frame's RGB bytes must fit one Java array. */
    static final int MAX_FRAME_PIXELS_LIMIT = (Integer.MAX_VALUE - 8) / 3;

    static final MediaLimits DEFAULTS = new MediaLimits(DEFAULT_MAX_ITEM_FRAMES, DEFAULT_MAX_FRAME_PIXELS,
            mib(DEFAULT_MAX_CLIP_MIB), DEFAULT_DECODE_TIMEOUT_SECONDS, "dataset");

    MediaLimits {
        if (maxItemFrames < 1 || maxFramePixels < 1 || maxFramePixels > MAX_FRAME_PIXELS_LIMIT || maxClipBytes < 1
                || decodeTimeoutSeconds < 1) {
            throw new IllegalArgumentException("media limits out of range: " + maxItemFrames + " frames, "
                    + maxFramePixels + " pixels, " + maxClipBytes + " bytes, " + decodeTimeoutSeconds + " s");
        }
    }

    /** The keys {@code maxItemFrames}, {@code maxFramePixels}, {@code maxClipMiB}, {@code decodeTimeoutSeconds}. */
    static MediaLimits read(PluginConfig config) {
        return new MediaLimits(
                config.getInt("maxItemFrames", DEFAULT_MAX_ITEM_FRAMES, 1, Integer.MAX_VALUE),
                config.getInt("maxFramePixels", DEFAULT_MAX_FRAME_PIXELS, 1, MAX_FRAME_PIXELS_LIMIT),
                mib(config.getInt("maxClipMiB", DEFAULT_MAX_CLIP_MIB, 1, 1 << 20)),
                config.getInt("decodeTimeoutSeconds", DEFAULT_DECODE_TIMEOUT_SECONDS, 1, 86_400),
                config.path());
    }

    private static long mib(int mib) {
        return (long) mib << 20;
    }

    /** The full dotted key {@code name}, e.g. {@code dataset.maxFramePixels}. */
    String key(String name) {
        return section.isEmpty() ? name : section + "." + name;
    }

    /** Refuses an item of {@code frames} frames ({@code what} says where the count comes from). */
    void checkItemFrames(long frames, String what) throws IOException {
        if (frames > maxItemFrames) {
            throw new IOException(what + " " + frames + " frames, more than " + key("maxItemFrames") + " "
                    + maxItemFrames);
        }
    }

    /** The RGB bytes of one {@code width} × {@code height} frame, refusing frames over {@code maxFramePixels}. */
    int frameBytes(long width, long height, String frame) throws IOException {
        if (width < 1 || height < 1) {
            throw new IOException(frame + " is " + width + "x" + height + " pixels, expected at least 1x1");
        }
        // Both sides are at most 2^31, so the product cannot overflow a long.
        long pixels = width * height;
        if (pixels > maxFramePixels) {
            throw new IOException(frame + " is " + width + "x" + height + " = " + pixels + " pixels, more than "
                    + key("maxFramePixels") + " " + maxFramePixels);
        }
        return Math.toIntExact(Math.multiplyExact(pixels, 3));
    }

    /** Accounts for the decoded frames of one clip; one per decode, not shared between threads. */
    Budget budget() {
        return new Budget();
    }

    /** The RGB bytes one clip has decoded so far. */
    final class Budget {
        private long used;

        private Budget() {
        }

        /** Refuses up front a clip of {@code frames} distinct frames of this size that could never fit. */
        void checkClip(int frames, long width, long height) throws IOException {
            if (width < 1 || height < 1) {
                return; // size unknown before the first frame: each frame is checked as it arrives
            }
            long bytes = Math.multiplyExact((long) frameBytes(width, height, "the video's frame"), frames);
            if (bytes > maxClipBytes) {
                throw new IOException("a clip of " + frames + " frames of " + width + "x" + height + " needs "
                        + mebibytes(bytes) + " of RGB, more than " + key("maxClipMiB") + " ("
                        + mebibytes(maxClipBytes) + ")");
            }
        }

        /** Takes one decoded frame's bytes from the budget and returns them (the size of its RGB array). */
        int take(long width, long height, String frame) throws IOException {
            int bytes = frameBytes(width, height, frame);
            long total = Math.addExact(used, bytes);
            if (total > maxClipBytes) {
                throw new IOException(frame + " brings the clip's decoded frames to " + mebibytes(total)
                        + ", more than " + key("maxClipMiB") + " (" + mebibytes(maxClipBytes) + ")");
            }
            used = total;
            return bytes;
        }

        long used() {
            return used;
        }
    }

    /** {@code 1536.0 MiB}, or {@code 9216 bytes} below a mebibyte. */
    static String mebibytes(long bytes) {
        return bytes < (1 << 20) ? bytes + " bytes"
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
}
