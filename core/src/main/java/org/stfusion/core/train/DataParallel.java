package org.stfusion.core.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;

/**
 * Data-parallel training by parameter averaging: an epoch's batches go out in rounds; in each round every one of
 * {@code workers} workers takes {@code averageEvery} consecutive batches (its shard) and trains them from the same
 * state, then weights, drop-rate logits, BN statistics and velocities are averaged over the workers that trained
 * and the next round starts from the average. Worker 0 continues the run's random stream and the others draw from
 * streams derived from the epoch's seed and the round's first batch, so that one worker trains exactly as a local
 * run does and a round trains the same whether or not the epoch was resumed at its start.
 */
public final class DataParallel {

    /** Runs a round's shares (in worker order) from {@code start}, wherever the workers are. */
    public interface RoundRunner {
        List<WorkerResult> run(List<WorkerShare> shares, ModelState start);
    }

    /** How a worker trains: the stage (rebuilt on the worker), its batches' items and its random stream. */
    public record WorkerShare(int worker, String stage, int epoch, int firstBatch, boolean warmup, double lr,
                              double weightDecay, double warmupDropout, int[] items, int batchSize, long augmentSeed,
                              byte[] randomState)
            implements Serializable {
    }

    /** What a worker sends back: its state after its steps, their sums, its stream, or the fault that stopped it. */
    public record WorkerResult(ModelState end, TrainingSteps.Sums sums, byte[] randomState, String fault, int faultStep)
            implements Serializable {
    }

    private final RoundRunner runner;
    private final int workers;
    private final int averageEvery;

    /** {@code averageEvery} 0: one round per epoch (each worker a contiguous share of the epoch). */
    public DataParallel(RoundRunner runner, int workers, int averageEvery) {
        if (workers < 1) {
            throw new IllegalArgumentException("data-parallel training needs a worker, got " + workers);
        }
        this.runner = runner;
        this.workers = workers;
        this.averageEvery = averageEvery;
    }

    public int workers() {
        return workers;
    }

    public int averageEvery() {
        return averageEvery;
    }

    /** A fault on a worker: which worker, at which of its steps, and what was not finite. */
    public static final class WorkerFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WorkerFault(String message) {
            super(message, null, false, false);
        }
    }

    /** Hears of each averaging point inside an epoch: the batches done so far and their sums. */
    public interface AveragingPoint {
        void reached(int batchesDone, TrainingSteps.Sums sums);
    }

    /**
     * Trains one epoch from batch {@code startBatch} on (earlier ones done, with {@code done} as their sums):
     * {@code order}'s batches of {@code batchSize} from the network's and optimizer's state, which hold the averaged
     * state afterwards; {@code random} continues as worker 0's stream did. {@code point} hears of every averaging
     * point before the epoch's end.
     */
    public TrainingSteps.Sums epoch(String stage, int epoch, TrainingSteps.Stage how, int[] order, int batchSize,
                                    long augmentSeed, RunRandom random, TemplateNetwork net, SgdMomentum optimizer,
                                    int startBatch, TrainingSteps.Sums done, TrainingSteps.Progress progress,
                                    AveragingPoint point) {
        int batches = (order.length + batchSize - 1) / batchSize;
        int perWorker = averageEvery > 0 ? averageEvery : (batches + workers - 1) / workers;
        TrainingSteps.Sums total = done;
        int round = 0;
        for (int first = startBatch; first < batches; first += perWorker * workers, round++) {
            List<WorkerShare> shares = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int from = first + w * perWorker;
                int to = Math.min(batches, from + perWorker);
                if (from >= to) {
                    break;
                }
                int[] items = Arrays.copyOfRange(order, from * batchSize, Math.min(order.length, to * batchSize));
                byte[] stream = w == 0 ? random.state()
                        : new RunRandom(augmentSeed ^ (0x9E3779B97F4A7C15L * (first * (long) workers + w + 1))).state();
                shares.add(new WorkerShare(w, stage, epoch, from, how.warmup(), how.lr(), how.weightDecay(),
                        how.warmupDropout(), items, batchSize, augmentSeed, stream));
            }
            List<WorkerResult> results = runner.run(shares, ModelState.capture(net.store(), optimizer));
            List<ModelState> trained = new ArrayList<>();
            for (int w = 0; w < results.size(); w++) {
                WorkerResult r = results.get(w);
                if (r.fault() != null) {
                    throw new WorkerFault("worker " + w + " of round " + (round + 1) + ", its step " + r.faultStep()
                            + ": " + r.fault());
                }
                if (r.sums().steps() > 0) {
                    trained.add(r.end());
                }
                total = total.plus(r.sums());
            }
            if (!trained.isEmpty()) {
                ModelState.mean(trained).applyTo(net.store(), optimizer);
            }
            random.restore(results.get(0).randomState());
            progress.stepDone(total.steps(), total.seen() == 0 ? Double.NaN : total.loss() / total.seen());
            int batchesDone = Math.min(batches, first + perWorker * workers);
            if (batchesDone < batches) {
                point.reached(batchesDone, total);
            }
        }
        return total;
    }
}
