package org.stfusion.datasets.files;

import java.util.SplittableRandom;

/**
 * Picks the 0-based frame indices of a clip from an item's frame count (dense or TSN segment sampling). Every
 * result holds {@link #frames} indices in [0, frame count); indices may repeat when the item is short.
 */
interface ClipSampler {

    /** Frames per clip (T of the network input). */
    int frames();

    /** A training clip; all randomness comes from {@code random}. */
    int[] trainIndices(int frameCount, SplittableRandom random);

    /** Clip {@code clip} of {@code clips} evenly spread test clips; clip 0 of 1 is the centred validation clip. */
    int[] testIndices(int frameCount, int clip, int clips);

    default int[] validationIndices(int frameCount) {
        return testIndices(frameCount, 0, 1);
    }
}
