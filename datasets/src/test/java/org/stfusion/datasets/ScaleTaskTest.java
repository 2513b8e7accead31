package org.stfusion.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.Split;

/** Task scale: the class is the appearance of one object times the direction of the one-pixel-a-frame objects. */
class ScaleTaskTest {
    private static final Map<String, Object> SCALE = Map.of("task", "scale", "classes", 4, "directions", 2,
            "fineObjects", 3, "fineSize", 2, "distractors", 1, "size", 16, "trainSize", 800);

    @Test
    void classesAreAppearanceTimesDirection() {
        assertEquals(List.of("red-square-right", "red-square-left", "green-plus-right", "green-plus-left"),
                TestDatasets.open(SCALE).classNames());
        var six = new HashMap<>(SCALE);
        six.put("classes", 8);
        six.put("directions", 4);
        assertEquals("green-plus-up", TestDatasets.open(six).classNames().get(7));
    }

    /**
     * Every clip holds the fine objects first (side fineSize, one pixel a frame in the class direction), then the
     * distractors, then the appearance object with the class's shape and bright channel; the appearance object's
     * own direction does not depend on the class (each direction 15-35 % of every class's 200 clips).
     */
    @Test
    void onlyTheFineObjectsMotionAndTheAppearanceObjectsLookCarryTheClass() {
        SyntheticDataset dataset = TestDatasets.open(SCALE);
        int[][] directionCounts = new int[4][4];
        for (int i = 0; i < 800; i++) {
            Scene scene = dataset.scene(Split.TRAIN, i);
            int label = i % 4;
            Direction classDirection = Direction.values()[label % 2];
            AppearanceClass appearance = AppearanceClass.values()[label / 2];
            assertEquals(3 + 1 + 1, scene.objects().size());
            for (MovingObject fine : scene.objects().subList(0, 3)) {
                assertEquals(2, fine.side());
                assertArrayEquals(new int[] {classDirection.dy, classDirection.dx}, new int[] {fine.stepY(), fine.stepX()},
                        "clip " + i + ": a fine object moves one pixel a frame in the class direction");
            }
            MovingObject shape = scene.objects().get(4);
            assertEquals(appearance.shape, shape.shape());
            assertTrue(shape.colour()[appearance.brightChannel] >= 0.6f, "clip " + i + ": the class channel is bright");
            assertTrue(shape.side() >= 3, "shapes need 3 px to differ");
            directionCounts[label][directionIndex(shape)]++;
        }
        for (int label = 0; label < 4; label++) {
            for (int d = 0; d < 4; d++) {
                int n = directionCounts[label][d];
                assertTrue(n >= 30 && n <= 70, "class " + label + ": the shape moves in direction " + d + " in " + n
                        + " of 200 clips");
            }
        }
    }

    @Test
    void scaleKeysAreCheckedAndNamed() {
        assertKeyError("dataset.classes", Map.of("classes", 5));
        assertKeyError("dataset.classes", Map.of("classes", 18, "directions", 2));
        assertKeyError("dataset.directions", Map.of("directions", 3));
        assertKeyError("dataset.fineSize", Map.of("fineSize", 5));
        assertKeyError("dataset.fineObjects", Map.of("fineObjects", 0));
        assertKeyError("dataset.objectSizeMin", Map.of("objectSizeMin", 2));
        // The other tasks do not take the scale keys.
        ConfigException e = assertThrows(ConfigException.class, () -> TestDatasets.open(Map.of("task", "motion", "fineSize", 2)));
        assertTrue(e.getMessage().contains("fineSize"), e.getMessage());
    }

    /** Adding the task left the other tasks' clips, and so the manifest hashes of runs made before it, unchanged. */
    @Test
    void theMotionExamplesManifestHashIsTheOneRecordedBeforeTheTaskExisted() {
        SyntheticDataset motion = TestDatasets.open(Map.of("task", "motion", "classes", 4, "frames", 8, "size", 16,
                "trainSize", 512, "valSize", 200, "noise", 0.1, "distractors", 0, "seed", 1));
        assertEquals("377d5f58874c6097", motion.manifestHash());
    }

    private static int directionIndex(MovingObject o) {
        for (Direction d : Direction.values()) {
            if (Integer.signum(o.stepY()) == d.dy && Integer.signum(o.stepX()) == d.dx) {
                return d.ordinal();
            }
        }
        throw new AssertionError("no direction for step " + o.stepY() + "," + o.stepX());
    }

    private static void assertKeyError(String key, Map<String, ?> extra) {
        var values = new HashMap<String, Object>(Map.of("task", "scale"));
        values.putAll(extra);
        ConfigException e = assertThrows(ConfigException.class, () -> TestDatasets.open(values));
        assertEquals(key, e.key(), e.getMessage());
    }
}
