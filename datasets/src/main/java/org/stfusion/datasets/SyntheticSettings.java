package org.stfusion.datasets;

import java.util.Locale;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/**
 * The generator parameters, read from the {@code dataset:} section:
 * <ul>
 * <li>{@code task}: {@code motion} (default), {@code appearance} or {@code scale};</li>
 * <li>{@code classes}: motion 2 (right, left) or 4 (+ down, up); appearance 2..8 (see {@link AppearanceClass});
 * default 2; scale: appearance classes x {@code directions}, default 4;</li>
 * <li>task scale only: {@code directions} of the fine motion (2 or 4, default 2), {@code fineObjects} (how many
 * objects move in the class direction, default 4, 1..64) and {@code fineSize} (their side in px, default 1,
 * 1..4); they always move one pixel a frame;</li>
 * <li>{@code frames} (default 8, 2..64), {@code size} (height = width, default 32, 8..256);</li>
 * <li>{@code testSize}: height = width of the validation clips (default {@code size}, 8..256). The validation scenes
 * are drawn on a torus of that size with the same object sizes, speeds and background texture scale, so a larger
 * {@code testSize} shows the same kind of scene with more of the torus around the object, as the authors test on
 * larger centre crops than they train on; objects and speeds must fit it as they fit {@code size};</li>
 * <li>{@code trainSize} (default 800), {@code valSize} (default 200), each from {@code classes} to 1,000,000;</li>
 * <li>{@code seed} (default 1);</li>
 * <li>difficulty: {@code noise} (sigma of the Gaussian pixel noise, default 0.05, 0..1), {@code objectSizeMin}
 * / {@code objectSizeMax} (side in px, default 3 / 6), {@code speedMin} / {@code speedMax} (px per frame,
 * default 1 / 2, below size / 2), {@code distractors} (extra objects in random directions, default 0, 0..8).</li>
 * </ul>
 * Distractors are filled squares of a random bright colour moving in any of the four directions. Under
 * {@code motion} they look like the labelled object, so a distractor moving against the class direction makes
 * a clip ambiguous and lowers the best reachable accuracy; under {@code appearance} their colour (all channels
 * bright) tells them apart from the class colours (one channel bright).
 */
record SyntheticSettings(SyntheticTask task, int classes, int frames, int size, int testSize, int trainSize, int valSize,
                         long seed, double noise, int objectSizeMin, int objectSizeMax, int speedMin, int speedMax,
                         int distractors, int directions, int fineObjects, int fineSize) {

    private static final int MAX_ITEMS = 1_000_000;
    /** Plus, hollow square and X all look like a filled square below this side. */
    private static final int SMALLEST_DISTINCT_SHAPE = 3;

    static SyntheticSettings read(PluginConfig config) {
        SyntheticTask task = SyntheticTask.fromConfigName(config.getChoice("task", "motion", "motion", "appearance", "scale"));
        int classes = readClasses(config, task);
        int frames = config.getInt("frames", 8, 2, 64);
        int size = config.getInt("size", 32, 8, 256);
        int testSize = config.getInt("testSize", size, 8, 256);
        int trainSize = config.getInt("trainSize", 800, classes, MAX_ITEMS);
        int valSize = config.getInt("valSize", 200, classes, MAX_ITEMS);
        long seed = config.getLong("seed", 1);
        double noise = config.getDouble("noise", 0.05, 0, 1);
        int objectSizeMin = readObjectSize(config, "objectSizeMin", 3, size, task);
        int objectSizeMax = readObjectSize(config, "objectSizeMax", 6, size, task);
        requireOrdered(config, "objectSizeMin", objectSizeMin, "objectSizeMax", objectSizeMax);
        int speedMin = readSpeed(config, "speedMin", 1, size);
        int speedMax = readSpeed(config, "speedMax", 2, size);
        requireOrdered(config, "speedMin", speedMin, "speedMax", speedMax);
        int distractors = config.getInt("distractors", 0, 0, 8);
        int directions = 1;
        int fineObjects = 0;
        int fineSize = 1;
        if (task == SyntheticTask.SCALE) {
            directions = readDirections(config);
            fineObjects = config.getInt("fineObjects", 4, 1, 64);
            fineSize = config.getInt("fineSize", 1, 1, Math.min(4, size - 1));
            requireAppearanceProduct(config, classes, directions);
        }
        checkTestSize(config, testSize, objectSizeMax, speedMax);
        config.accept("name");
        config.rejectUnknownKeys();
        return new SyntheticSettings(task, classes, frames, size, testSize, trainSize, valSize, seed, noise,
                objectSizeMin, objectSizeMax, speedMin, speedMax, distractors, directions, fineObjects, fineSize);
    }

    /** The validation torus must hold the objects and tell the directions apart, as the training torus does. */
    private static void checkTestSize(PluginConfig config, int testSize, int objectSizeMax, int speedMax) {
        if (objectSizeMax > testSize - 1) {
            throw new ConfigException(config.key("testSize"), "validation clips of " + testSize + " px cannot hold "
                    + "objects of up to " + objectSizeMax + " px (" + config.key("objectSizeMax") + "): expected at least "
                    + (objectSizeMax + 1));
        }
        if (2 * speedMax >= testSize) {
            throw new ConfigException(config.key("testSize"), "validation clips of " + testSize + " px cannot tell a "
                    + "step right from a step left at " + speedMax + " px per frame (" + config.key("speedMax")
                    + "): expected more than " + 2 * speedMax);
        }
    }

    /**
     * Canonical one-line form; part of the manifest hash, so every parameter that changes the clips is here
     * ({@code testSize} only when it differs from {@code size}, so that earlier runs keep their hash).
     */
    String describe() {
        return String.format(Locale.ROOT,
                "task=%s classes=%d frames=%d size=%d trainSize=%d valSize=%d seed=%d noise=%s objectSize=%d..%d"
                        + " speed=%d..%d distractors=%d",
                task.configName(), classes, frames, size, trainSize, valSize, seed, Double.toString(noise),
                objectSizeMin, objectSizeMax, speedMin, speedMax, distractors)
                + (testSize == size ? "" : " testSize=" + testSize)
                // Only scale has these keys, so the other tasks keep the hashes of runs made before it existed.
                + (task == SyntheticTask.SCALE ? String.format(Locale.ROOT, " directions=%d fineObjects=%d fineSize=%d",
                        directions, fineObjects, fineSize) : "");
    }

    private static int readClasses(PluginConfig config, SyntheticTask task) {
        if (task == SyntheticTask.SCALE) {
            return config.getInt("classes", 4, 2, 4 * AppearanceClass.values().length);
        }
        if (task == SyntheticTask.APPEARANCE) {
            return config.getInt("classes", 2, 2, AppearanceClass.values().length);
        }
        int classes = config.getInt("classes", 2);
        if (classes != 2 && classes != 4) {
            throw new ConfigException(config.key("classes"),
                    "task motion supports 2 (right, left) or 4 (right, left, down, up) classes, got " + classes);
        }
        return classes;
    }

    private static int readDirections(PluginConfig config) {
        int directions = config.getInt("directions", 2);
        if (directions != 2 && directions != 4) {
            throw new ConfigException(config.key("directions"),
                    "expected 2 (right, left) or 4 (right, left, down, up), got " + directions);
        }
        return directions;
    }

    private static void requireAppearanceProduct(PluginConfig config, int classes, int directions) {
        if (classes % directions != 0) {
            throw new ConfigException(config.key("classes"), "task scale has appearance classes x directions classes:"
                    + " expected a multiple of " + config.key("directions") + " = " + directions + ", got " + classes);
        }
        if (classes / directions > AppearanceClass.values().length) {
            throw new ConfigException(config.key("classes"), "task scale has at most "
                    + AppearanceClass.values().length + " appearance classes x " + directions + " directions = "
                    + AppearanceClass.values().length * directions + " classes, got " + classes);
        }
    }

    private static int readObjectSize(PluginConfig config, String name, int def, int size, SyntheticTask task) {
        int side = config.getInt(name, def, 1, size - 1);
        if (task != SyntheticTask.MOTION && side < SMALLEST_DISTINCT_SHAPE) {
            throw new ConfigException(config.key(name), "task " + task.configName() + " needs objects of at least "
                    + SMALLEST_DISTINCT_SHAPE + " px, else plus, hollow square and x all look like a square, got "
                    + side);
        }
        return side;
    }

    /** On a torus of n px a step of s px one way looks the same as a step of n - s px the other way. */
    private static int readSpeed(PluginConfig config, String name, int def, int size) {
        int speed = config.getInt(name, def, 1, size);
        if (2 * speed >= size) {
            throw new ConfigException(config.key(name), "expected a speed below size / 2 = " + size / 2.0
                    + " px per frame, else a step right cannot be told from a step left on the torus, got " + speed);
        }
        return speed;
    }

    private static void requireOrdered(PluginConfig config, String minName, int min, String maxName, int max) {
        if (min > max) {
            throw new ConfigException(config.key(minName),
                    "must not exceed " + config.key(maxName) + " (" + max + "), got " + min);
        }
    }
}
