package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/** Batch sizes times clip sizes, in long arithmetic, against one array and the heap. */
class BatchLimitsTest {
    @TempDir
    Path dir;

    /** A dataset of the given shape and sizes that is never read. */
    private static Dataset shaped(InputSpec spec, int train, int val, int views) {
        return new Dataset() {
            @Override public InputSpec inputSpec() { return spec; }
            @Override public List<String> classNames() { return List.of("a", "b"); }
            @Override public int size(Split split) { return split == Split.TRAIN ? train : val; }
            @Override public Clip clip(Split split, int index, long seed) { throw new UnsupportedOperationException(); }
            @Override public int views(Split split) { return split == Split.TRAIN ? 1 : views; }
            @Override public String manifestHash() { return "x"; }
        };
    }

    private ExperimentConfig config(String... sets) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), "backbone: {name: b}\ndataset: {name: d}\n");
        return ExperimentConfig.load(file, List.of(sets));
    }

    @Test
    void aBatchPastOneArrayNamesTheKeyAndWhatFits() throws Exception {
        // 3 x 64 x 256 x 256 = 12,582,912 values a clip; 4096 clips = 51.5 billion, past any int
        Dataset big = shaped(new InputSpec(3, 64, 256, 256, 2), 10_000, 10, 1);
        long hugeHeap = Long.MAX_VALUE;
        var e = assertThrows(ConfigException.class,
                () -> BatchLimits.check(config("training.batchSize=4096"), big, hugeHeap));
        assertEquals("training.batchSize: a batch of 4096 clips of 3x64x256x256 (12582912 values each) holds 51539607552 "
                + "values, more than one array holds (2147483639); at most 170 clips a batch fit at this clip size", e.getMessage());
        BatchLimits.check(config("training.batchSize=170", "sampling.evalBatchSize=170"), big, hugeHeap);
    }

    @Test
    void aBatchNeverCountsMoreClipsThanTheSplitHas() throws Exception {
        Dataset small = shaped(new InputSpec(3, 64, 256, 256, 2), 4, 4, 1);
        BatchLimits.check(config("training.batchSize=4096", "sampling.evalBatchSize=4096"), small, Long.MAX_VALUE);
    }

    @Test
    void evaluationCountsEveryViewAndTheHeapCounts() throws Exception {
        Dataset views = shaped(new InputSpec(3, 16, 112, 112, 2), 100, 100, 30);
        var e = assertThrows(ConfigException.class,
                () -> BatchLimits.check(config("sampling.evalBatchSize=64"), views, 1L << 30));
        assertEquals("sampling.evalBatchSize: a batch of 1920 clips of 3x16x112x112 (602112 values each, 30 views an item) "
                + "holds 1156055040 values, more than a quarter of the 1024 MiB heap (raise it with STFUSION_HEAP); at most "
                + "3 items a batch fit at this clip size", e.getMessage());
    }
}
