package org.stfusion.datasets;

import java.util.SplittableRandom;

/**
 * Turns a {@link Scene} into clip data, float C x T x H x W: each frame is the background with the objects
 * painted at their frame-t positions (wrapping around the borders, never clipped), plus i.i.d. Gaussian
 * noise ({@link GaussianNoise}), clamped to [0, 1] and then shifted by -0.5 so that values lie in [-0.5, 0.5]
 * around zero.
 */
final class ClipRenderer {
    private static final float CENTRE = 0.5f;

    private final int frames;
    private final int size;
    private final float noise;

    ClipRenderer(SyntheticSettings settings) {
        this(settings, settings.size());
    }

    /** Clips {@code size} px square (the settings' {@code size}, or {@code testSize} for validation clips). */
    ClipRenderer(SyntheticSettings settings, int size) {
        this.frames = settings.frames();
        this.size = size;
        this.noise = (float) settings.noise();
    }

    float[] render(Scene scene, SplittableRandom noiseSource) {
        int plane = size * size;
        float[] data = new float[SceneSampler.CHANNELS * frames * plane];
        for (int c = 0; c < SceneSampler.CHANNELS; c++) {
            for (int t = 0; t < frames; t++) {
                System.arraycopy(scene.background(), c * plane, data, (c * frames + t) * plane, plane);
            }
        }
        for (int t = 0; t < frames; t++) {
            for (MovingObject object : scene.objects()) {
                paint(data, object, t);
            }
        }
        addNoiseAndCentre(data, noiseSource);
        return data;
    }

    private void paint(float[] data, MovingObject object, int t) {
        int top = object.rowAt(t, size);
        int left = object.colAt(t, size);
        int side = object.side();
        for (int dy = 0; dy < side; dy++) {
            int y = (top + dy) % size;
            for (int dx = 0; dx < side; dx++) {
                if (object.shape().covers(dy, dx, side)) {
                    int x = (left + dx) % size;
                    for (int c = 0; c < SceneSampler.CHANNELS; c++) {
                        data[((c * frames + t) * size + y) * size + x] = object.colour()[c];
                    }
                }
            }
        }
    }

    private void addNoiseAndCentre(float[] data, SplittableRandom noiseSource) {
        if (noise > 0) {
            GaussianNoise.add(data, noise, noiseSource);
        }
        for (int i = 0; i < data.length; i++) {
            data[i] = Math.min(1f, Math.max(0f, data[i])) - CENTRE;
        }
    }
}
