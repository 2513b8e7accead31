package org.stfusion.datasets.files;

import java.util.SplittableRandom;

/**
 * Dense temporal sampling, as 3D CNNs use it: {@code frames} frames {@code stride} apart. Training starts at a
 * random frame, validation at the centre of the video, and N test clips start at N evenly spaced frames from the
 * first to the last possible start (the paper's code: 2 clips, at the start and at the end). Indices past the end
 * repeat the last frame, so short videos still give full clips.
 */
record DenseSampler(int frames, int stride) implements ClipSampler {

    @Override
    public int[] trainIndices(int frameCount, SplittableRandom random) {
        return indicesFrom(random.nextInt(latestStart(frameCount) + 1), frameCount);
    }

    @Override
    public int[] testIndices(int frameCount, int clip, int clips) {
        int latest = latestStart(frameCount);
        int start = clips == 1 ? latest / 2 : (int) Math.round((double) clip * latest / (clips - 1));
        return indicesFrom(start, frameCount);
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
