package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseSamplerTest {
    private final DenseSampler sampler = new DenseSampler(4, 2);

    @Test
    void validationTakesTheCentredWindow() {
        // span 7 in 21 frames: latest start 14, centre start 7
        assertArrayEquals(new int[] {7, 9, 11, 13}, sampler.validationIndices(21));
        assertArrayEquals(sampler.validationIndices(21), sampler.testIndices(21, 0, 1));
    }

    @Test
    void testClipsStartEvenlyFromTheFirstToTheLastPossibleStart() {
        // latest start 14: 2 clips at 0 and 14 (the paper code's protocol), 3 clips at 0, 7, 14
        assertArrayEquals(new int[] {0, 2, 4, 6}, sampler.testIndices(21, 0, 2));
        assertArrayEquals(new int[] {14, 16, 18, 20}, sampler.testIndices(21, 1, 2));
        assertArrayEquals(new int[] {7, 9, 11, 13}, sampler.testIndices(21, 1, 3));
        assertArrayEquals(new int[] {14, 16, 18, 20}, sampler.testIndices(21, 2, 3));
        // 5 clips over starts 0..14: 0, 3.5 → 4, 7, 10.5 → 11, 14
        assertEquals(4, sampler.testIndices(21, 1, 5)[0]);
        assertEquals(11, sampler.testIndices(21, 3, 5)[0]);
    }

    @Test
    void trainingStartsAnywhereTheWindowFits() {
        Set<Integer> starts = new HashSet<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            int[] indices = sampler.trainIndices(21, random);
            assertEquals(6, indices[3] - indices[0]);
            starts.add(indices[0]);
        }
        assertEquals(15, starts.size(), "every start 0..14 drawn: " + starts);
        assertTrue(starts.stream().allMatch(s -> s >= 0 && s <= 14));
    }

    @Test
    void framesPastTheEndRepeatTheLastFrame() {
        assertArrayEquals(new int[] {0, 2, 3, 3}, sampler.validationIndices(4));
        assertArrayEquals(new int[] {0, 2, 3, 3}, sampler.testIndices(4, 1, 2));
        assertArrayEquals(new int[] {0, 0, 0, 0}, sampler.trainIndices(1, new SplittableRandom(1)));
    }
}
