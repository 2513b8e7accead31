package org.stfusion.api.model;

/**
 * The per-sample shape of a tensor in the network: {@code channels x frames x height x width} for a video
 * feature map (NCDHW without the batch), or {@code channels} alone for a flat feature vector.
 */
public record Shape(int channels, int frames, int height, int width, boolean flat) {

    public static Shape volume(int channels, int frames, int height, int width) {
        return new Shape(channels, frames, height, width, false);
    }

    public static Shape vector(int features) {
        return new Shape(features, 1, 1, 1, true);
    }

    /** Number of spatiotemporal positions (1 for a vector). */
    public long voxels() {
        return (long) frames * height * width;
    }

    @Override
    public String toString() {
        return flat ? "[" + channels + "]" : "[" + channels + "x" + frames + "x" + height + "x" + width + "]";
    }
}
