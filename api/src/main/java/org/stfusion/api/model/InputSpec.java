package org.stfusion.api.model;

/** What a backbone is built for: the clip shape (C x T x H x W) and the number of classes. */
public record InputSpec(int channels, int frames, int height, int width, int classes) {
    /**
     * The most values one clip may hold: 2^28 (1 GiB as floats), ten times a 64-frame 320 px clip. A clip is one
     * Java array, so the product must fit an int in any case; datasets check their settings against this
     * bound and name the keys.
     */
    public static final long MAX_CLIP_VALUES = 1L << 28;

    public InputSpec {
        if (channels < 1 || frames < 1 || height < 1 || width < 1 || classes < 2) {
            throw new IllegalArgumentException("invalid input spec " + channels + "x" + frames + "x" + height + "x"
                    + width + " with " + classes + " classes");
        }
        if (values(channels, frames, height, width) > MAX_CLIP_VALUES) {
            throw new IllegalArgumentException("a clip of " + channels + "x" + frames + "x" + height + "x" + width
                    + " holds more than " + MAX_CLIP_VALUES + " values");
        }
    }

    /** Values in one clip, C x T x H x W. */
    public long clipValues() {
        return values(channels, frames, height, width);
    }

    /** The product C x T x H x W, saturating at Long.MAX_VALUE: four ints overflow an int, and may overflow a long. */
    public static long values(int channels, int frames, int height, int width) {
        try {
            return Math.multiplyExact(Math.multiplyExact((long) channels * frames, height), (long) width);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    public Shape clipShape() {
        return Shape.volume(channels, frames, height, width);
    }
}
