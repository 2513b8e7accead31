package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClipAugmenterTest {
    private static final float[] MEAN = {123.675f, 116.28f, 103.53f};
    private static final float[] STD = {58.395f, 57.12f, 57.375f};

    @Test
    void outputIsChannelsTimesFramesTimesSizeSquaredAndNormalised() {
        RgbFrame grey = uniform(64, 48, 200);
        ClipAugmenter augmenter = new ClipAugmenter(32, 40, 40, 48, false);
        float[] out = augmenter.train(List.of(grey, grey, grey), new SplittableRandom(1));
        assertEquals(3 * 3 * 32 * 32, out.length);
        for (int c = 0; c < 3; c++) {
            float expected = (200 - MEAN[c]) / STD[c];
            for (int i = c * 3 * 1024; i < (c + 1) * 3 * 1024; i++) {
                assertEquals(expected, out[i], 1e-4, "channel " + c);
            }
        }
    }

    @Test
    void validationIsTheCentreCropAtTheShortSide() {
        RgbFrame ramp = horizontalRamp(64, 48);
        // shortSide 48 = the frame height: no resize, a 32 px crop starts at x = 16, y = 8
        float[] out = new ClipAugmenter(32, 48, 48, 48, false).validation(List.of(ramp));
        for (int x = 0; x < 32; x++) {
            assertEquals((3 * (16 + x) - MEAN[0]) / STD[0], out[5 * 32 + x], 1e-4, "x " + x);
        }
    }

    @Test
    void threeTestCropsAreLeftCentreAndRightForLandscapeFrames() {
        RgbFrame ramp = horizontalRamp(64, 48);
        ClipAugmenter augmenter = new ClipAugmenter(32, 48, 48, 48, false);
        // no resize at short side 48: 32 px crops start at x = 0, 16, 32 (y centred)
        int[] expectedLeft = {0, 16, 32};
        for (int crop = 0; crop < 3; crop++) {
            float[] out = augmenter.test(List.of(ramp), crop, 3);
            assertEquals((3 * expectedLeft[crop] - MEAN[0]) / STD[0], out[0], 1e-4, "crop " + crop);
        }
        assertArrayEquals(augmenter.validation(List.of(ramp)), augmenter.test(List.of(ramp), 1, 3),
                "the middle crop is the centre crop");
    }

    @Test
    void threeTestCropsAreTopMiddleAndBottomForPortraitFrames() {
        RgbFrame ramp = verticalRamp(48, 64);
        ClipAugmenter augmenter = new ClipAugmenter(32, 48, 48, 48, false);
        int[] expectedTop = {0, 16, 32};
        for (int crop = 0; crop < 3; crop++) {
            float[] out = augmenter.test(List.of(ramp), crop, 3);
            assertEquals((3 * expectedTop[crop] - MEAN[0]) / STD[0], out[0], 1e-4, "crop " + crop);
            assertEquals(out[0], out[31], 1e-4, "x centred, the ramp is vertical");
        }
    }

    @Test
    void resizingPreservesTheAspectRatio() {
        RgbFrame ramp = horizontalRamp(64, 32);
        // short side 32 → 16: the 64 px ramp becomes 32 px wide, so a 16 px centre crop covers source x 16..47
        float[] out = new ClipAugmenter(16, 16, 16, 16, false).validation(List.of(ramp));
        float first = out[0] * STD[0] + MEAN[0];
        float last = out[15] * STD[0] + MEAN[0];
        assertEquals(3 * 16.5, first, 1.0);
        assertEquals(3 * 46.5, last, 1.0);
    }

    @Test
    void flipsOnlyWhenEnabled() {
        RgbFrame ramp = horizontalRamp(64, 48);
        boolean flippedWithFlip = false;
        for (long seed = 0; seed < 20; seed++) {
            float[] plain = new ClipAugmenter(48, 48, 48, 48, false).train(List.of(ramp), new SplittableRandom(seed));
            assertTrue(plain[1] > plain[0], "never mirrored when flip is off, seed " + seed);
            float[] maybe = new ClipAugmenter(48, 48, 48, 48, true).train(List.of(ramp), new SplittableRandom(seed));
            flippedWithFlip |= maybe[1] < maybe[0];
        }
        assertTrue(flippedWithFlip, "some seed flips when flip is on");
    }

    @Test
    void trainingCropsDependOnTheRandomStream() {
        RgbFrame ramp = horizontalRamp(64, 48);
        ClipAugmenter augmenter = new ClipAugmenter(32, 48, 48, 64, false);
        float[] a = augmenter.train(List.of(ramp), new SplittableRandom(1));
        assertArrayEquals(a, augmenter.train(List.of(ramp), new SplittableRandom(1)));
        boolean differs = false;
        for (long seed = 2; seed < 10 && !differs; seed++) {
            differs = a[0] != augmenter.train(List.of(ramp), new SplittableRandom(seed))[0];
        }
        assertTrue(differs);
    }

    private static RgbFrame uniform(int w, int h, int value) {
        byte[] rgb = new byte[w * h * 3];
        Arrays.fill(rgb, (byte) value);
        return new RgbFrame(w, h, rgb);
    }

    /** Every channel = 3y at row y. */
    private static RgbFrame verticalRamp(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) (3 * y);
                }
            }
        }
        return new RgbFrame(w, h, rgb);
    }

    /** Every channel = 3x at column x. */
    private static RgbFrame horizontalRamp(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) (3 * x);
                }
            }
        }
        return new RgbFrame(w, h, rgb);
    }
}
