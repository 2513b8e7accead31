package org.stfusion.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a {@link Scene} for a label. Only the labelled object's direction (motion), its shape and colour
 * (appearance), or its shape and colour and the fine objects' direction (scale) depend on the label; background,
 * sizes, speeds, start positions and distractors do not.
 * Starts are uniform over the whole torus, so under motion the position at any fixed frame is uniform for
 * every class and no single frame tells the classes apart.
 */
final class SceneSampler {
    static final int CHANNELS = 3;
    /** Background values lie in [0, MAX_BACKGROUND]; objects are brighter in at least one channel. */
    private static final float MAX_BACKGROUND = 0.5f;
    /** Background texture: one random value per cell of about this many px, interpolated in between. */
    private static final int TEXTURE_CELL = 8;

    private final SyntheticSettings settings;
    /** Side of the torus the scenes are drawn on: {@code size} for training clips, {@code testSize} for validation. */
    private final int size;

    SceneSampler(SyntheticSettings settings) {
        this(settings, settings.size());
    }

    SceneSampler(SyntheticSettings settings, int size) {
        this.settings = settings;
        this.size = size;
    }

    Scene sample(int label, SplittableRandom rng) {
        float[] background = smoothTexture(rng);
        // The labelled object is drawn before the distractors so that adding distractors keeps it unchanged.
        MovingObject labelled = switch (settings.task()) {
            case MOTION -> place(ObjectShape.SQUARE, brightColour(rng), Direction.values()[label], rng);
            case APPEARANCE -> appearanceObject(AppearanceClass.values()[label], rng);
            case SCALE -> appearanceObject(AppearanceClass.values()[label / settings.directions()], rng);
        };
        List<MovingObject> objects = new ArrayList<>(settings.distractors() + settings.fineObjects() + 1);
        // Fine objects go first: what is painted later (distractors, the appearance object) may hide some of them,
        // never the other way round, so the appearance class stays intact.
        for (int i = 0; i < settings.fineObjects(); i++) {
            objects.add(fineObject(Direction.values()[label % settings.directions()], rng));
        }
        for (int i = 0; i < settings.distractors(); i++) {
            objects.add(place(ObjectShape.SQUARE, brightColour(rng), randomDirection(rng), rng));
        }
        objects.add(labelled);
        return new Scene(background, List.copyOf(objects));
    }

    private MovingObject appearanceObject(AppearanceClass cls, SplittableRandom rng) {
        float[] colour = new float[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            // Class colours have one channel >= 0.6 and two <= 0.2; distractor colours have all channels >= 0.5.
            colour[c] = c == cls.brightChannel ? uniform(rng, 0.6f, 1f) : uniform(rng, 0f, 0.2f);
        }
        return place(cls.shape, colour, randomDirection(rng), rng);
    }

    /** A one-pixel-a-frame mover of side {@code fineSize}; its colour says nothing about the class. */
    private MovingObject fineObject(Direction direction, SplittableRandom rng) {
        int side = settings.fineSize();
        return new MovingObject(ObjectShape.SQUARE, side, brightColour(rng), rng.nextInt(size),
                rng.nextInt(size), direction.dy, direction.dx);
    }

    private MovingObject place(ObjectShape shape, float[] colour, Direction direction, SplittableRandom rng) {
        int side = rng.nextInt(settings.objectSizeMin(), settings.objectSizeMax() + 1);
        int speed = rng.nextInt(settings.speedMin(), settings.speedMax() + 1);
        int row = rng.nextInt(size);
        int col = rng.nextInt(size);
        return new MovingObject(shape, side, colour, row, col, speed * direction.dy, speed * direction.dx);
    }

    private static Direction randomDirection(SplittableRandom rng) {
        return Direction.values()[rng.nextInt(Direction.values().length)];
    }

    private static float[] brightColour(SplittableRandom rng) {
        float[] colour = new float[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            colour[c] = uniform(rng, 0.5f, 1f);
        }
        return colour;
    }

    /** Smooth random blobs: a coarse grid of uniform values, bilinearly interpolated with wrap-around. */
    private float[] smoothTexture(SplittableRandom rng) {
        int cells = Math.max(2, size / TEXTURE_CELL);
        float[] grid = new float[CHANNELS * cells * cells];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = uniform(rng, 0f, MAX_BACKGROUND);
        }
        float[] texture = new float[CHANNELS * size * size];
        float scale = (float) cells / size;
        for (int c = 0; c < CHANNELS; c++) {
            int gridBase = c * cells * cells;
            for (int y = 0; y < size; y++) {
                float gy = y * scale;
                int y0 = (int) gy;
                int y1 = (y0 + 1) % cells;
                float fy = gy - y0;
                for (int x = 0; x < size; x++) {
                    float gx = x * scale;
                    int x0 = (int) gx;
                    int x1 = (x0 + 1) % cells;
                    float fx = gx - x0;
                    float top = lerp(grid[gridBase + y0 * cells + x0], grid[gridBase + y0 * cells + x1], fx);
                    float bottom = lerp(grid[gridBase + y1 * cells + x0], grid[gridBase + y1 * cells + x1], fx);
                    texture[(c * size + y) * size + x] = lerp(top, bottom, fy);
                }
            }
        }
        return texture;
    }

    private static float lerp(float a, float b, float f) {
        return a + (b - a) * f;
    }

    private static float uniform(SplittableRandom rng, float lo, float hi) {
        return lo + (hi - lo) * (float) rng.nextDouble();
    }
}
