package org.stfusion.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/** The kit accepts a well-behaved dataset and names what is wrong with a broken one. */
class DatasetConformanceTest {
    private static final InputSpec SPEC = new InputSpec(3, 2, 4, 4, 3);

    /** Items train-0.. and val-0..; {@code fault} breaks one property. */
    private record Toy(String fault, Set<Integer> bad) implements Dataset {
        @Override
        public InputSpec inputSpec() {
            return SPEC;
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public int size(Split split) {
            return split == Split.TRAIN ? 6 : 4;
        }

        @Override
        public Clip clip(Split split, int index, long seed) {
            if (split == Split.TRAIN && bad.contains(index)) {
                if (fault.equals("crash")) {
                    throw new IllegalStateException("decoder blew up");
                }
                throw new BadItemException(new BadItem("train-" + index + " (x.avi)", "truncated"));
            }
            long noise = fault.equals("unseeded") ? System.nanoTime() : seed;
            float[] data = new float[3 * 2 * 4 * 4];
            Random r = new Random(noise * 31 + index);
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) r.nextGaussian();
            }
            int label = fault.equals("label") && index == 2 ? 3 : index % 3;
            String id = fault.equals("overlap") ? "item-" + index : split.label() + "-" + index;
            return new Clip(id, data, label);
        }

        @Override
        public List<BadItem> rejected(Split split) {
            return split == Split.TRAIN ? List.of(new BadItem("train.txt:3", "unknown class 'd'")) : List.of();
        }

        @Override
        public String manifestHash() {
            return "sha256:toy";
        }
    }

    @Test
    void aConformingDatasetPassesAndItsBadItemsAreReported() {
        var report = DatasetConformance.verify(new Toy("", Set.of(4)), 100);
        assertEquals(6, report.itemsRead().get(Split.TRAIN));
        assertEquals(1, report.unreadable().get(Split.TRAIN).size());
        assertEquals(1, report.rejected().get(Split.TRAIN).size());
    }

    @Test
    void eachBrokenPropertyIsNamed() {
        assertFails(new Toy("label", Set.of()), "has label 3, expected 0..2");
        assertFails(new Toy("unseeded", Set.of()), "the same seed gives another clip");
        assertFails(new Toy("overlap", Set.of()), "items in both splits");
        assertFails(new Toy("crash", Set.of(1)), "must throw BadItemException");
    }

    private static void assertFails(Dataset dataset, String expected) {
        AssertionError e = assertThrows(AssertionError.class, () -> DatasetConformance.verify(dataset, 100));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
