package org.stfusion.datasets.files;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns decoded frames into the network input: resize the short side (a random length from the
 * training range, or the fixed validation length), crop {@code size}×{@code size} in training (at a random place) or
 * {@code testSize}×{@code testSize} in validation (centred; for multi-crop testing spread along the long side: left,
 * centre, right, or top, middle, bottom for portrait frames), optionally flip horizontally (training only), and normalise with the ImageNet mean and
 * standard deviation on 0–255. Resize, crop and flip are one bilinear lookup per output pixel, so no resized copy of the
 * frame is ever built. The same geometry applies to every frame of a clip.
 */
final class ClipAugmenter {
    private static final float[] MEAN = {123.675f, 116.28f, 103.53f};
    private static final float[] STD = {58.395f, 57.12f, 57.375f};

    private final int size;
    private final int testSize;
    private final int validationShortSide;
    private final int trainShortSideMin;
    private final int trainShortSideMax;
    private final boolean flip;

    ClipAugmenter(int size, int validationShortSide, int trainShortSideMin, int trainShortSideMax, boolean flip) {
        this(size, size, validationShortSide, trainShortSideMin, trainShortSideMax, flip);
    }

    ClipAugmenter(int size, int testSize, int validationShortSide, int trainShortSideMin, int trainShortSideMax,
                  boolean flip) {
        this.size = size;
        this.testSize = testSize;
        this.validationShortSide = validationShortSide;
        this.trainShortSideMin = trainShortSideMin;
        this.trainShortSideMax = trainShortSideMax;
        this.flip = flip;
    }

    float[] train(List<RgbFrame> frames, SplittableRandom random) {
        RgbFrame first = frames.get(0);
        int shortSide = trainShortSideMin + random.nextInt(trainShortSideMax - trainShortSideMin + 1);
        Geometry g = Geometry.resize(first, shortSide, size);
        int x0 = random.nextInt(g.resizedWidth - size + 1);
        int y0 = random.nextInt(g.resizedHeight - size + 1);
        boolean mirrored = flip && random.nextBoolean();
        return render(frames, g, size, x0, y0, mirrored);
    }

    float[] validation(List<RgbFrame> frames) {
        return test(frames, 0, 1);
    }

    /**
     * Crop {@code crop} of {@code crops}, {@code testSize} square, evenly spread along the long side; one crop is the
     * centre crop.
     */
    float[] test(List<RgbFrame> frames, int crop, int crops) {
        Geometry g = Geometry.resize(frames.get(0), validationShortSide, testSize);
        int freeX = g.resizedWidth - testSize;
        int freeY = g.resizedHeight - testSize;
        int along = crops == 1 ? 1 : crop;
        int steps = crops == 1 ? 2 : crops - 1;
        boolean landscape = g.resizedWidth >= g.resizedHeight;
        int x0 = landscape ? freeX * along / steps : freeX / 2;
        int y0 = landscape ? freeY / 2 : freeY * along / steps;
        return render(frames, g, testSize, x0, y0, false);
    }

    /** C × T × H × W output, {@code size} square. */
    private static float[] render(List<RgbFrame> frames, Geometry g, int size, int x0, int y0, boolean mirrored) {
        int t = frames.size();
        int plane = size * size;
        float[] out = new float[3 * t * plane];
        Lookup[] columns = new Lookup[size];
        for (int x = 0; x < size; x++) {
            int resizedX = x0 + (mirrored ? size - 1 - x : x);
            columns[x] = Lookup.of(resizedX, g.scaleX, g.sourceWidth);
        }
        Lookup[] rows = new Lookup[size];
        for (int y = 0; y < size; y++) {
            rows[y] = Lookup.of(y0 + y, g.scaleY, g.sourceHeight);
        }
        for (int f = 0; f < t; f++) {
            RgbFrame frame = frames.get(f);
            if (frame.width() != g.sourceWidth || frame.height() != g.sourceHeight) {
                throw new IllegalArgumentException("frame " + f + " is " + frame.width() + "x" + frame.height()
                        + ", the first frame " + g.sourceWidth + "x" + g.sourceHeight);
            }
            byte[] rgb = frame.rgb();
            int rowBytes = g.sourceWidth * 3;
            for (int y = 0; y < size; y++) {
                Lookup r = rows[y];
                int top = r.low * rowBytes;
                int bottom = r.high * rowBytes;
                for (int x = 0; x < size; x++) {
                    Lookup c = columns[x];
                    int left = c.low * 3;
                    int right = c.high * 3;
                    for (int ch = 0; ch < 3; ch++) {
                        float upper = lerp(rgb[top + left + ch], rgb[top + right + ch], c.weight);
                        float lower = lerp(rgb[bottom + left + ch], rgb[bottom + right + ch], c.weight);
                        float v = upper + (lower - upper) * r.weight;
                        out[(ch * t + f) * plane + y * size + x] = (v - MEAN[ch]) / STD[ch];
                    }
                }
            }
        }
        return out;
    }

    private static float lerp(byte a, byte b, float weight) {
        float fa = a & 0xff;
        return fa + ((b & 0xff) - fa) * weight;
    }

    /** Source frame size, resized size and the source-per-resized-pixel scale. */
    private record Geometry(int sourceWidth, int sourceHeight, int resizedWidth, int resizedHeight, float scaleX,
                            float scaleY) {
        static Geometry resize(RgbFrame frame, int shortSide, int size) {
            int w = frame.width();
            int h = frame.height();
            int rw = w <= h ? shortSide : Math.round((float) w * shortSide / h);
            int rh = w <= h ? Math.round((float) h * shortSide / w) : shortSide;
            rw = Math.max(rw, size);
            rh = Math.max(rh, size);
            return new Geometry(w, h, rw, rh, (float) w / rw, (float) h / rh);
        }
    }

    /** Bilinear source neighbours of one resized pixel centre (pixel centres aligned, as in OpenCV/PIL). */
    private record Lookup(int low, int high, float weight) {
        static Lookup of(int resized, float scale, int sourceLength) {
            float s = Math.max((resized + 0.5f) * scale - 0.5f, 0);
            int low = Math.min((int) s, sourceLength - 1);
            int high = Math.min(low + 1, sourceLength - 1);
            return new Lookup(low, high, s - low);
        }
    }
}
