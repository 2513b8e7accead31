package org.stfusion.api.data;

/**
 * One decoded, augmented clip: {@code data} is float32 in C x T x H x W order (length C*T*H*W) and
 * normalised the way the dataset intends; {@code label} is the 0-based class index.
 */
public record Clip(String id, float[] data, int label) {
}
