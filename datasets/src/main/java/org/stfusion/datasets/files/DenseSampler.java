package org.stfusion.datasets.files;

import java.util.SplittableRandom;

/**
 * Dense temporal sampling (datasets.md §2.1): {@code frames} frames {@code stride} apart. Training starts at a
 * random frame, validation at the centre of the video; indices past the end repeat the last frame, so short
 * videos still give full clips.
 */
record DenseSampler(int frames, int stride) {

    int[] trainIndices(int frameCount, SplittableRandom random) {
        return indicesFrom(random.nextInt(latestStart(frameCount) + 1), frameCount);
    }

    int[] validationIndices(int frameCount) {
        return indicesFrom(latestStart(frameCount) / 2, frameCount);
    }

    private int latestStart(int frameCount) {
        int span = (frames - 1) * stride + 1;
        return Math.max(frameCount - span, 0);
    }

    private int[] indicesFrom(int start, int frameCount) {
        int[] indices = new int[frames];
        for (int k = 0; k < frames; k++) {
            indices[k] = Math.min(start + k * stride, frameCount - 1);
        }
        return indices;
    }
}
