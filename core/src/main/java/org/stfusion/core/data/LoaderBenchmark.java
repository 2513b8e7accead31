package org.stfusion.core.data;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.core.config.DataSettings;
import org.stfusion.core.data.ClipBatches;

/** Clips per second of a dataset with no network: one thread calling the dataset, and the training loader. */
public final class LoaderBenchmark {
    private final Dataset dataset;

    public LoaderBenchmark(Dataset dataset) {
        this.dataset = dataset;
    }

    /** {@code clips} delivered in {@code seconds}, {@code skipped} of them bad. */
    public record Result(int clips, double seconds, int skipped) {
        public double clipsPerSecond() {
            return clips / seconds;
        }
    }

    /** The first {@code n} items decoded one after another on this thread (after one warm-up clip). */
    public Result singleThread(Split split, int n) {
        dataset.clip(split, 0, 1); // first call pays for class loading and native start-up
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            dataset.clip(split, i, i);
        }
        return new Result(n, (System.nanoTime() - start) / 1e9, 0);
    }

    /** The first {@code n} items through the training loader: parallel decode, prefetch, batch assembly. */
    public Result loader(Split split, int n, DataSettings data, int batchSize) {
        try (var loader = new ClipBatches(dataset, DataType.FLOAT, data.workers(), data.prefetch(),
                new BadItemLedger(dataset, 1.0, null))) {
            org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 1); // the ND4J backend starts outside the timing
            long start = System.nanoTime();
            var stream = loader.iterate(split, IntStream.range(0, n).toArray(), batchSize, 1);
            int delivered = 0;
            while (stream.hasNext()) {
                delivered += stream.next().size();
            }
            return new Result(delivered, (System.nanoTime() - start) / 1e9, stream.skipped());
        }
    }
}
