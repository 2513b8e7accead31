package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmentSamplerTest {
    private final SegmentSampler sampler = new SegmentSampler(4);

    @Test
    void validationTakesTheMiddleOfEachSegment() {
        // 20 frames, 4 segments of 5: TSM's int(tick/2 + tick*i) with tick 5
        assertArrayEquals(new int[] {2, 7, 12, 17}, sampler.validationIndices(20));
        // 30 frames, 8 segments: tick 3.75 → 1.875, 5.625, 9.375, ...
        assertArrayEquals(new int[] {1, 5, 9, 13, 16, 20, 24, 28}, new SegmentSampler(8).validationIndices(30));
    }

    @Test
    void trainingDrawsOneFrameInsideEachSegment() {
        int[][] seen = new int[4][5];
        SplittableRandom random = new SplittableRandom(11);
        for (int n = 0; n < 400; n++) {
            int[] indices = sampler.trainIndices(20, random);
            for (int i = 0; i < 4; i++) {
                assertTrue(indices[i] >= 5 * i && indices[i] < 5 * i + 5, "segment " + i + ": " + indices[i]);
                seen[i][indices[i] - 5 * i]++;
            }
        }
        for (int i = 0; i < 4; i++) {
            for (int offset = 0; offset < 5; offset++) {
                assertTrue(seen[i][offset] > 40, "every frame of segment " + i + " is drawn: " + seen[i][offset]);
            }
        }
    }

    @Test
    void trainingIndicesForAFixedSeed() {
        // A regression anchor: the same seed must give the same clip in every release (runs are resumable).
        assertArrayEquals(new int[] {1, 8, 13, 16}, sampler.trainIndices(20, new SplittableRandom(7)));
        assertArrayEquals(sampler.trainIndices(20, new SplittableRandom(7)),
                sampler.trainIndices(20, new SplittableRandom(7)));
    }

    @Test
    void testClipsShiftThePositionInsideEachSegment() {
        // 2 clips: a quarter and three quarters into each 5-frame segment
        assertArrayEquals(new int[] {1, 6, 11, 16}, sampler.testIndices(20, 0, 2));
        assertArrayEquals(new int[] {3, 8, 13, 18}, sampler.testIndices(20, 1, 2));
        assertArrayEquals(sampler.validationIndices(20), sampler.testIndices(20, 0, 1));
    }

    @Test
    void shortVideosRepeatFramesInOrder() {
        SegmentSampler eight = new SegmentSampler(8);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2, 2, 2}, eight.validationIndices(3));
        Set<Integer> drawn = new HashSet<>();
        SplittableRandom random = new SplittableRandom(2);
        for (int n = 0; n < 50; n++) {
            int[] indices = eight.trainIndices(3, random);
            for (int i = 0; i < 8; i++) {
                assertTrue(indices[i] >= 0 && indices[i] < 3);
                assertTrue(i == 0 || indices[i] >= indices[i - 1], "in order");
                drawn.add(indices[i]);
            }
        }
        assertEquals(Set.of(0, 1, 2), drawn);
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0}, eight.trainIndices(1, random));
    }
}
