package org.stfusion.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.data.Dataset;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.api.data.Split;
import org.stfusion.core.run.RunRandom;

/**
 * The decoded clips every strategy is scored on, shared by the scorers made with {@link Scorer#recalibrating}: the
 * validation batches, kept after the first read when they fit the cache, and the recalibration batches.
 */
final class ScoringClips implements AutoCloseable {
    private static final long RECALIBRATION_SEED = 17;

    private final Dataset dataset;
    private final ClipBatches loader;
    private final boolean ownsLoader;
    private final boolean cache;
    private List<ClipBatches.Batch> validation;
    /** By number of batches: the clips read for it. */
    private final java.util.Map<Integer, List<INDArray>> recalibration = new java.util.HashMap<>();

    ScoringClips(Dataset dataset, ClipBatches loader, boolean ownsLoader, boolean cache) {
        this.dataset = dataset;
        this.loader = loader;
        this.ownsLoader = ownsLoader;
        this.cache = cache;
    }

    /** The validation split's items in order, every view of an item in one batch. */
    Iterator<ClipBatches.Batch> validation(int batchSize) {
        if (validation != null) {
            return validation.iterator();
        }
        int[] order = new int[dataset.size(Split.VALIDATION)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Iterator<ClipBatches.Batch> it = loader.iterateViews(Split.VALIDATION, order, batchSize);
        if (!cache) {
            return it;
        }
        List<ClipBatches.Batch> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        validation = all;
        return all.iterator();
    }

    /** The first {@code batches} batches of a fixed shuffle of the training split (the same for every strategy). */
    List<INDArray> recalibration(int batches, int batchSize) {
        return recalibration.computeIfAbsent(batches, b -> {
            int[] order = new int[dataset.size(Split.TRAIN)];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            new RunRandom(RECALIBRATION_SEED).shuffle(order);
            int items = Math.min(order.length, b * batchSize);
            List<INDArray> read = new ArrayList<>();
            loader.iterate(Split.TRAIN, Arrays.copyOf(order, items), batchSize, RECALIBRATION_SEED)
                    .forEachRemaining(batch -> read.add(batch.clips()));
            return read;
        });
    }

    @Override
    public void close() {
        if (ownsLoader) {
            loader.close();
        }
    }
}
