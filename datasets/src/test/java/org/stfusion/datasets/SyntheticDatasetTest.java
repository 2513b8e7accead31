package org.stfusion.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Split;
import org.stfusion.testkit.DatasetConformance;

class SyntheticDatasetTest {

    @Test
    void sameSeedGivesIdenticalClipsAndAnotherSeedDifferentOnes() {
        SyntheticDataset a = TestDatasets.open(Map.of("seed", 5));
        SyntheticDataset b = TestDatasets.open(Map.of("seed", 5));
        SyntheticDataset other = TestDatasets.open(Map.of("seed", 6));
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(a.clip(Split.TRAIN, i, 0).data(), b.clip(Split.TRAIN, i, 0).data());
            assertFalse(Arrays.equals(a.clip(Split.TRAIN, i, 0).data(), other.clip(Split.TRAIN, i, 0).data()));
        }
    }

    @Test
    void augmentationSeedIsIgnored() {
        SyntheticDataset dataset = TestDatasets.open(Map.of());
        assertArrayEquals(dataset.clip(Split.TRAIN, 3, 1).data(), dataset.clip(Split.TRAIN, 3, 12345).data());
    }

    @Test
    void trainAndValidationScenesComeFromDisjointStreams() {
        // Without noise a clip is its scene, so equal arrays would mean a shared scene stream.
        SyntheticDataset dataset = TestDatasets.open(Map.of("noise", 0, "trainSize", 300, "valSize", 300));
        Set<Integer> train = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            assertTrue(train.add(Arrays.hashCode(dataset.clip(Split.TRAIN, i, 0).data())), "train clip " + i);
        }
        for (int i = 0; i < 300; i++) {
            assertFalse(train.contains(Arrays.hashCode(dataset.clip(Split.VALIDATION, i, 0).data())), "val clip " + i);
        }
    }

    @Test
    void labelsAreBalancedInEverySplit() {
        SyntheticDataset dataset = TestDatasets.open(Map.of("classes", 4, "trainSize", 803, "valSize", 200));
        int[] train = labelCounts(dataset, Split.TRAIN, 4);
        assertEquals(803, Arrays.stream(train).sum());
        assertTrue(Arrays.stream(train).max().getAsInt() - Arrays.stream(train).min().getAsInt() <= 1,
                Arrays.toString(train));
        assertArrayEquals(new int[] {50, 50, 50, 50}, labelCounts(dataset, Split.VALIDATION, 4));
    }

    @Test
    void clipsHaveTheSpecShapeIdsAndCentredValues() {
        SyntheticDataset dataset = TestDatasets.open(Map.of("frames", 6, "size", 24, "distractors", 2));
        Clip clip = dataset.clip(Split.TRAIN, 42, 0);
        assertEquals("train-000042", clip.id());
        assertEquals("val-000007", dataset.clip(Split.VALIDATION, 7, 0).id());
        assertEquals(3 * 6 * 24 * 24, clip.data().length);
        double sum = 0;
        for (float v : clip.data()) {
            assertTrue(v >= -0.5f && v <= 0.5f, "value " + v);
            sum += v;
        }
        // Background in [0, 0.5] and brighter objects, shifted by -0.5: the mean lies below zero but not far.
        double mean = sum / clip.data().length;
        assertTrue(mean > -0.4 && mean < 0, "mean " + mean);
    }

    @Test
    void framesShowTheBackgroundAndTheObjectsWhereTheSceneSaysWrappingAroundTheBorders() {
        SyntheticDataset dataset = TestDatasets.open(Map.of("noise", 0, "distractors", 1, "trainSize", 200));
        int objectFramesAcrossABorder = 0;
        for (int i = 0; i < 200; i++) {
            Scene scene = dataset.scene(Split.TRAIN, i);
            assertArrayEquals(noiseFreeClip(dataset, scene), dataset.clip(Split.TRAIN, i, 0).data(), "clip " + i);
            for (MovingObject o : scene.objects()) {
                for (int t = 0; t < 8; t++) {
                    boolean wraps = o.rowAt(t, 32) + o.side() > 32 || o.colAt(t, 32) + o.side() > 32;
                    objectFramesAcrossABorder += wraps ? 1 : 0;
                }
            }
        }
        assertTrue(objectFramesAcrossABorder > 100, "only " + objectFramesAcrossABorder + " cross a border");
    }

    @Test
    void outOfRangeIndexNamesTheSplitAndItsSize() {
        SyntheticDataset dataset = TestDatasets.open(Map.of("valSize", 10));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> dataset.clip(Split.VALIDATION, 10, 0));
        assertTrue(e.getMessage().contains("index 10") && e.getMessage().contains("val split")
                && e.getMessage().contains("10 clips"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> dataset.clip(Split.TRAIN, -1, 0));
    }

    @Test
    void parallelCallsGiveTheSameClipsAsSequentialOnes() {
        SyntheticDataset dataset = TestDatasets.open(Map.of("distractors", 3));
        List<float[]> sequential = IntStream.range(0, 200)
                .mapToObj(i -> dataset.clip(Split.TRAIN, i, 0).data()).toList();
        List<float[]> parallel = IntStream.range(0, 200).parallel()
                .mapToObj(i -> dataset.clip(Split.TRAIN, i, 0).data()).toList();
        for (int i = 0; i < 200; i++) {
            assertArrayEquals(sequential.get(i), parallel.get(i), "clip " + i);
        }
    }

    @Test
    void manifestHashIsStableAndChangesWithSeedOrParameters() {
        String base = TestDatasets.open(Map.of()).manifestHash();
        assertTrue(base.matches("[0-9a-f]{16}"), base);
        assertEquals(base, TestDatasets.open(Map.of("seed", 1)).manifestHash());
        assertNotEquals(base, TestDatasets.open(Map.of("seed", 2)).manifestHash());
        assertNotEquals(base, TestDatasets.open(Map.of("noise", 0.1)).manifestHash());
        assertNotEquals(base, TestDatasets.open(Map.of("trainSize", 801)).manifestHash());
        assertNotEquals(base, TestDatasets.open(Map.of("task", "appearance")).manifestHash());
    }

    @Test
    void appearanceClassIsVisibleInASingleFrame() {
        // red-square against green-plus: red-minus-green above the background, summed over the pixels where it
        // is far above the noise, gives the class away.
        SyntheticDataset dataset = TestDatasets.open(Map.of("task", "appearance", "trainSize", 200));
        int plane = 32 * 32;
        int correct = 0;
        for (int i = 0; i < 200; i++) {
            Clip clip = dataset.clip(Split.TRAIN, i, 0);
            float[] background = dataset.scene(Split.TRAIN, i).background();
            double redMinusGreen = 0;
            for (int p = 0; p < plane; p++) {
                double red = clip.data()[TestDatasets.at(dataset, 0, 0, p / 32, p % 32)] + 0.5 - background[p];
                double green = clip.data()[TestDatasets.at(dataset, 1, 0, p / 32, p % 32)] + 0.5
                        - background[plane + p];
                if (Math.abs(red - green) > 0.25) {
                    redMinusGreen += red - green;
                }
            }
            correct += (redMinusGreen > 0 ? 0 : 1) == clip.label() ? 1 : 0;
        }
        assertEquals(200, correct);
    }

    @Test
    void generatesAThousandDefaultClipsQuickly() {
        SyntheticDataset dataset = TestDatasets.open(Map.of("trainSize", 1000));
        double coldMillis = millisForAllClips(dataset);
        double warmMillis = coldMillis;
        for (int round = 0; round < 3; round++) { // the JIT needs a few thousand clips to compile the hot loops
            warmMillis = millisForAllClips(dataset);
        }
        System.out.printf("synthetic: 1000 clips of 3x8x32x32 in %.1f ms cold, %.1f ms warm (%.3f ms per clip)%n",
                coldMillis, warmMillis, warmMillis / 1000);
        // Target is well under 1 ms per clip; the bound leaves room for a busy shared machine.
        assertTrue(warmMillis / 1000 < 5, "took " + warmMillis / 1000 + " ms per clip");
    }

    private static double millisForAllClips(SyntheticDataset dataset) {
        long start = System.nanoTime();
        for (int i = 0; i < dataset.size(Split.TRAIN); i++) {
            dataset.clip(Split.TRAIN, i, 0);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** The clip written out pixel by pixel from its scene, independently of the renderer's loops. */
    private static float[] noiseFreeClip(SyntheticDataset dataset, Scene scene) {
        int size = dataset.inputSpec().height();
        int frames = dataset.inputSpec().frames();
        float[] clip = new float[3 * frames * size * size];
        for (int c = 0; c < 3; c++) {
            for (int t = 0; t < frames; t++) {
                for (int p = 0; p < size * size; p++) {
                    float background = scene.background()[c * size * size + p];
                    clip[TestDatasets.at(dataset, c, t, p / size, p % size)] = background - 0.5f;
                }
                for (MovingObject o : scene.objects()) {
                    for (int dy = 0; dy < o.side(); dy++) {
                        for (int dx = 0; dx < o.side(); dx++) {
                            if (o.shape().covers(dy, dx, o.side())) {
                                int y = (o.rowAt(t, size) + dy) % size;
                                int x = (o.colAt(t, size) + dx) % size;
                                clip[TestDatasets.at(dataset, c, t, y, x)] = o.colour()[c] - 0.5f;
                            }
                        }
                    }
                }
            }
        }
        return clip;
    }

    private static int[] labelCounts(SyntheticDataset dataset, Split split, int classes) {
        int[] counts = new int[classes];
        for (int i = 0; i < dataset.size(split); i++) {
            counts[dataset.clip(split, i, 0).label()]++;
        }
        return counts;
    }

    @Test
    void bothTasksConformToTheKit() {
        for (String task : java.util.List.of("motion", "appearance")) {
            DatasetConformance.verify(TestDatasets.open(Map.of("task", task, "trainSize", 24, "valSize", 12)), 100);
        }
    }

    @Test
    void validationClipsAtTestSizeShowTheSameObjectsOnALargerTorusAndTrainingClipsAreUnchanged() {
        Map<String, Object> base = Map.of("noise", 0, "size", 32, "trainSize", 8, "valSize", 8);
        SyntheticDataset plain = TestDatasets.open(base);
        Map<String, Object> larger = new java.util.HashMap<>(base);
        larger.put("testSize", 48);
        SyntheticDataset dataset = TestDatasets.open(larger);
        assertEquals(new org.stfusion.api.model.InputSpec(3, 8, 32, 32, 2), dataset.inputSpec(Split.TRAIN));
        assertEquals(new org.stfusion.api.model.InputSpec(3, 8, 48, 48, 2), dataset.inputSpec(Split.VALIDATION));
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(plain.clip(Split.TRAIN, i, 0).data(), dataset.clip(Split.TRAIN, i, 0).data(),
                    "training clip " + i);
            Clip clip = dataset.clip(Split.VALIDATION, i, 0);
            assertEquals(3 * 8 * 48 * 48, clip.data().length);
            // the labelled object (drawn last) at its frame-t place on the 48 px torus, in its own colour
            MovingObject object = dataset.scene(Split.VALIDATION, i).objects().get(0);
            assertTrue(object.side() >= 3 && object.side() <= 6, "object sizes as configured");
            for (int t = 0; t < 8; t++) {
                int y = object.rowAt(t, 48);
                int x = object.colAt(t, 48);
                for (int c = 0; c < 3; c++) {
                    assertEquals(object.colour()[c] - 0.5f, clip.data()[((c * 8 + t) * 48 + y) * 48 + x], 1e-6,
                            "clip " + i + " frame " + t);
                }
            }
        }
        // the hash tells the two apart; testSize equal to size is the dataset without it
        assertNotEquals(plain.manifestHash(), dataset.manifestHash());
        Map<String, Object> same = new java.util.HashMap<>(base);
        same.put("testSize", 32);
        assertEquals(plain.manifestHash(), TestDatasets.open(same).manifestHash());
        DatasetConformance.verify(TestDatasets.open(Map.of("testSize", 40, "trainSize", 12, "valSize", 6)), 100);
    }

    @Test
    void aTestSizeThatCannotHoldTheObjectsOrTellTheDirectionsApartIsRefused() {
        var e = assertThrows(org.stfusion.api.config.ConfigException.class,
                () -> TestDatasets.open(Map.of("testSize", 8, "speedMax", 4)));
        assertEquals("dataset.testSize: validation clips of 8 px cannot tell a step right from a step left at 4 px per "
                + "frame (dataset.speedMax): expected more than 8", e.getMessage());
        e = assertThrows(org.stfusion.api.config.ConfigException.class,
                () -> TestDatasets.open(Map.of("testSize", 10, "objectSizeMax", 12)));
        assertEquals("dataset.testSize: validation clips of 10 px cannot hold objects of up to 12 px "
                + "(dataset.objectSizeMax): expected at least 13", e.getMessage());
    }
}
