package org.stfusion.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.data.Split;
import org.stfusion.core.data.BadItemLedger;

class ClipBatchesTest {
    private static final int[] ALL_TEN = IntStream.range(0, 10).toArray();

    @Test
    void badItemsAreSkippedCountedAndTheRestArrivesInOrder() {
        FlakyDataset data = new FlakyDataset(10, Set.of(3, 7), List.of(), 1);
        var ledger = new BadItemLedger(data, 0.5, null);
        try (var loader = new ClipBatches(data, DataType.FLOAT, 3, 2, ledger)) {
            var stream = loader.iterate(Split.TRAIN, ALL_TEN, 4, 1);
            List<Integer> values = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            stream.forEachRemaining(b -> {
                sizes.add(b.size());
                for (int i = 0; i < b.size(); i++) {
                    int value = (int) b.clips().getFloat(i, 0, 0, 0, 0);
                    values.add(value);
                    assertEquals(value % 3, b.labels()[i]);
                    assertEquals(1.0, b.oneHot().getDouble(i, value % 3));
                }
            });
            assertEquals(List.of(0, 1, 2, 4, 5, 6, 8, 9), values);
            assertEquals(List.of(3, 3, 2), sizes);
            assertEquals(2, stream.skipped());
            assertEquals(2, ledger.count(Split.TRAIN));
            // decoding threads record in the order they meet the bad items
            assertEquals(Set.of("train/3.avi", "train/7.avi"), ledger.items(Split.TRAIN).stream()
                    .map(item -> item.source()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void tooManyBadItemsStopTheRunNamingTheLimitAndAnItem() {
        FlakyDataset data = new FlakyDataset(10, Set.of(3, 7), List.of(), 1);
        try (var loader = new ClipBatches(data, DataType.FLOAT, 2, 1, new BadItemLedger(data, 0.1, null))) {
            var stream = loader.iterate(Split.TRAIN, ALL_TEN, 4, 1);
            var e = assertThrows(BadItemLedger.TooManyBadItemsException.class, () -> stream.forEachRemaining(b -> { }));
            assertTrue(e.getMessage().contains("data.maxBadFraction 0.1"), e.getMessage());
            assertTrue(e.getMessage().contains("train/3.avi: truncated file"), e.getMessage());
        }
    }

    @Test
    void parallelDecodingGivesTheSameBatchesAsOneWorker() {
        FlakyDataset data = new FlakyDataset(10, Set.of(5), List.of(), 1);
        int[] order = {9, 2, 5, 0, 7, 1, 8, 3, 6, 4};
        try (var one = new ClipBatches(data, DataType.FLOAT, 1, 1, new BadItemLedger(data, 1, null));
             var four = new ClipBatches(data, DataType.FLOAT, 4, 3, new BadItemLedger(data, 1, null))) {
            var a = one.iterate(Split.TRAIN, order, 3, 5);
            var b = four.iterate(Split.TRAIN, order, 3, 5);
            while (a.hasNext()) {
                var x = a.next();
                var y = b.next();
                assertEquals(x.clips(), y.clips());
                assertArrayEquals(x.labels(), y.labels());
            }
            assertTrue(!b.hasNext());
        }
    }

    @Test
    void anErrorOfTheEnvironmentEndsThePassAsItselfNotAsAWrapper() {
        FlakyDataset flaky = new FlakyDataset(4, Set.of(), List.of(), 1);
        org.stfusion.api.data.Dataset broken = new org.stfusion.api.data.Dataset() {
            @Override
            public org.stfusion.api.model.InputSpec inputSpec() {
                return flaky.inputSpec();
            }

            @Override
            public List<String> classNames() {
                return flaky.classNames();
            }

            @Override
            public int size(Split split) {
                return flaky.size(split);
            }

            @Override
            public org.stfusion.api.data.Clip clip(Split split, int index, long seed) {
                throw new UnsatisfiedLinkError("no jniavcodec in java.library.path");
            }

            @Override
            public List<org.stfusion.api.data.BadItem> rejected(Split split) {
                return flaky.rejected(split);
            }

            @Override
            public String manifestHash() {
                return flaky.manifestHash();
            }
        };
        try (var loader = new ClipBatches(broken, DataType.FLOAT, 2, 1, new BadItemLedger(broken, 1, null))) {
            var stream = loader.iterate(Split.TRAIN, new int[] {0, 1, 2, 3}, 2, 1);
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, stream::hasNext);
            assertEquals("no jniavcodec in java.library.path", e.getMessage());
            assertEquals(0, loader.ledger().count(Split.TRAIN), "not a bad item");
        }
    }

    @Test
    void evaluationViewsArriveAsConsecutiveRowsPerItem() {
        FlakyDataset data = new FlakyDataset(4, Set.of(), List.of(), 3);
        try (var loader = new ClipBatches(data, DataType.FLOAT)) {
            var batch = loader.iterateViews(Split.VALIDATION, new int[] {0, 1, 2, 3}, 6).next();
            assertEquals(2, batch.size()); // 6 clips per batch / 3 views = 2 items
            assertEquals(6, batch.clips().size(0));
            assertEquals(1.2f, batch.clips().getFloat(5, 0, 0, 0, 0), 1e-6);
            assertEquals(1, batch.first(1).size());
            assertEquals(3, batch.first(1).clips().size(0));
        }
    }
}
