package org.stfusion.api.model;

/** What a backbone is built for: the clip shape (C x T x H x W) and the number of classes. */
public record InputSpec(int channels, int frames, int height, int width, int classes) {
    public InputSpec {
        if (channels < 1 || frames < 1 || height < 1 || width < 1 || classes < 2) {
            throw new IllegalArgumentException("invalid input spec " + channels + "x" + frames + "x" + height + "x"
                    + width + " with " + classes + " classes");
        }
    }

    public Shape clipShape() {
        return Shape.volume(channels, frames, height, width);
    }
}
