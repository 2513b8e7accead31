package org.stfusion.datasets.files;

import java.util.SplittableRandom;

/**
 * TSN segment sampling, preferred for the short Something-Something clips since it covers the whole clip: the
 * video is cut into {@code segments} equal parts, segment i covering frames [⌊iN/S⌋, ⌊(i+1)N/S⌋), and one frame
 * is taken from each: a random one in training, the middle one at validation (TSN/TSM's
 * {@code int(tick/2 + tick*i)}). Test clip k of K takes the frame at (k + ½)/K of each segment, so K = 1 is the
 * validation clip and K = 2 is TSM's {@code twice_sample} shifted by a quarter segment. Videos shorter than
 * {@code segments} repeat frames.
 */
record SegmentSampler(int segments) implements ClipSampler {

    @Override
    public int frames() {
        return segments;
    }

    @Override
    public int[] trainIndices(int frameCount, SplittableRandom random) {
        int[] indices = new int[segments];
        for (int i = 0; i < segments; i++) {
            int start = boundary(i, frameCount);
            int end = Math.max(boundary(i + 1, frameCount), start + 1);
            indices[i] = start + random.nextInt(end - start);
        }
        return indices;
    }

    @Override
    public int[] testIndices(int frameCount, int clip, int clips) {
        int[] indices = new int[segments];
        for (int i = 0; i < segments; i++) {
            // ⌊(i + (clip + ½)/clips)·N/S⌋ in whole numbers: ⌊(2(i·clips + clip) + 1)·N / (2·S·clips)⌋
            long numerator = (2L * (i * (long) clips + clip) + 1) * frameCount;
            indices[i] = (int) (numerator / (2L * segments * clips));
        }
        return indices;
    }

    private int boundary(int segment, int frameCount) {
        return (int) ((long) segment * frameCount / segments);
    }
}
