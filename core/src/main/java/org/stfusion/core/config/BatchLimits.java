package org.stfusion.core.config;

import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/**
 * Batches must fit before anything is trained: a batch is assembled in one float array (clips x views x clip
 * values, at most {@value #MAX_ARRAY} values), and must leave room on the heap. Each product is computed in long
 * arithmetic and refused with the key that sets it, instead of overflowing an int or running out of memory
 * epochs later.
 */
public final class BatchLimits {
    /** The largest Java array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private BatchLimits() {
    }

    /**
     * Checks the training batches ({@code training.batchSize}) and the evaluation batches
     * ({@code sampling.evalBatchSize}: validation items with all their views, and batch-norm recalibration on
     * training items) of {@code config} on {@code dataset}, against {@code heapBytes} of heap.
     *
     * @throws ConfigException naming the batch size key, the values a batch would hold and the largest batch that fits
     */
    public static void check(ExperimentConfig config, Dataset dataset, long heapBytes) {
        InputSpec in = dataset.inputSpec();
        long clip = in.clipValues();
        check("training.batchSize", config.training().batchSize(), dataset.size(Split.TRAIN), dataset.views(Split.TRAIN),
                clip, in, heapBytes);
        int eval = config.sampling().evalBatchSize();
        check("sampling.evalBatchSize", eval, dataset.size(Split.TRAIN), dataset.views(Split.TRAIN), clip, in, heapBytes);
        InputSpec validation = dataset.inputSpec(Split.VALIDATION); // may be larger (evaluation at another size)
        check("sampling.evalBatchSize", eval, dataset.size(Split.VALIDATION), dataset.views(Split.VALIDATION),
                validation.clipValues(), validation, heapBytes);
    }

    private static void check(String key, int batchSize, int items, int views, long clip, InputSpec in, long heapBytes) {
        long clips = (long) Math.min(batchSize, Math.max(items, 1)) * Math.max(views, 1); // a batch never exceeds the split
        long values = clips * clip; // below 2^31 x 2^28: no overflow
        // the batch is built on the heap, then copied for ND4J: it should take at most a quarter of the heap
        long byHeap = heapBytes / 4 / Float.BYTES;
        long limit = Math.min(MAX_ARRAY, byHeap);
        if (values <= limit) {
            return;
        }
        long fitting = limit / (clip * Math.max(views, 1));
        String shape = in.channels() + "x" + in.frames() + "x" + in.height() + "x" + in.width();
        String why = limit == MAX_ARRAY ? "more than one array holds (" + MAX_ARRAY + ")"
                : "more than a quarter of the " + (heapBytes >> 20) + " MiB heap (raise it with STFUSION_HEAP)";
        throw new ConfigException(key, "a batch of " + clips + " clips of " + shape + " (" + clip + " values each"
                + (views > 1 ? ", " + views + " views an item" : "") + ") holds " + values + " values, " + why + "; "
                + (fitting >= 1 ? "at most " + fitting + (views > 1 ? " items" : " clips") + " a batch fit at this clip size"
                : "not even one item fits: make the clips smaller"));
    }
}
