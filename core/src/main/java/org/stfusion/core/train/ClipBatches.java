package org.stfusion.core.train;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/**
 * Turns dataset items into NCDHW batches with one-hot labels. The next batch is decoded on a worker thread
 * while the current one trains, so simple datasets never make the network wait.
 */
public final class ClipBatches implements AutoCloseable {
    private final Dataset dataset;
    private final InputSpec spec;
    private final DataType dataType;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stfusion-batch-loader");
        t.setDaemon(true);
        return t;
    });

    public ClipBatches(Dataset dataset, DataType dataType) {
        this.dataset = dataset;
        this.spec = dataset.inputSpec();
        this.dataType = dataType;
    }

    /** One batch: clips, one-hot labels and the 0-based labels. */
    public record Batch(INDArray clips, INDArray oneHot, int[] labels) {
        public int size() {
            return labels.length;
        }

        /** The first {@code n} clips of this batch. */
        public Batch first(int n) {
            var rows = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n);
            return new Batch(clips.get(rows).dup(), oneHot.get(rows).dup(), java.util.Arrays.copyOf(labels, n));
        }
    }

    /** Batches over {@code order} (item indices), {@code batchSize} at a time; a short last batch is kept. */
    public Iterator<Batch> iterate(Split split, int[] order, int batchSize, long augmentSeed) {
        int batches = (order.length + batchSize - 1) / batchSize;
        return new Iterator<>() {
            private int next;
            private CompletableFuture<Batch> pending = submit(0);

            private CompletableFuture<Batch> submit(int b) {
                if (b >= batches) {
                    return null;
                }
                int from = b * batchSize;
                int to = Math.min(order.length, from + batchSize);
                return CompletableFuture.supplyAsync(() -> load(split, order, from, to, augmentSeed), worker);
            }

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Batch next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                Batch batch = pending.join();
                pending = submit(++next);
                return batch;
            }
        };
    }

    private Batch load(Split split, int[] order, int from, int to, long augmentSeed) {
        int n = to - from;
        int clipLength = spec.channels() * spec.frames() * spec.height() * spec.width();
        float[] data = new float[n * clipLength];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int item = order[from + i];
            Clip clip = dataset.clip(split, item, augmentSeed * 1_000_003L + item);
            if (clip.data().length != clipLength) {
                throw new IllegalStateException("dataset returned " + clip.data().length + " values for " + clip.id()
                        + ", expected " + clipLength);
            }
            System.arraycopy(clip.data(), 0, data, i * clipLength, clipLength);
            labels[i] = clip.label();
        }
        INDArray clips = Nd4j.create(data, new long[] {n, spec.channels(), spec.frames(), spec.height(), spec.width()}, 'c');
        INDArray oneHot = Nd4j.zeros(dataType, n, spec.classes());
        for (int i = 0; i < n; i++) {
            oneHot.putScalar(i, labels[i], 1);
        }
        return new Batch(clips.castTo(dataType), oneHot, labels);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
