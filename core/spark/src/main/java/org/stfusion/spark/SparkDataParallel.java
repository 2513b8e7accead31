package org.stfusion.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.stfusion.core.TrainingTask;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.train.DataParallel;
import org.stfusion.core.train.ModelState;

/**
 * A round of data-parallel training as one Spark stage: the round's start state is broadcast, each worker's share
 * is a task ({@link TrainingTask}), and the workers' states come back in worker order, so that the driver averages
 * them in the same order every time (Spark's tree aggregation would add them in the order tasks finish, and
 * floating-point sums depend on that order).
 */
final class SparkDataParallel implements DataParallel.RoundRunner {
    private final SparkCluster cluster;
    private final RunJob job;

    SparkDataParallel(SparkCluster cluster, RunJob job) {
        this.cluster = cluster;
        this.job = job;
    }

    @Override
    public List<DataParallel.WorkerResult> run(List<DataParallel.WorkerShare> shares, ModelState start) {
        Broadcast<ModelState> state = cluster.context().broadcast(start);
        try {
            return cluster.context().parallelize(new ArrayList<>(shares), shares.size())
                    .map(new TrainShare(job, state)).collect();
        } catch (Exception e) { // Scala throws SparkException, a checked exception, unchecked
            throw new org.stfusion.core.run.UserException("training round on " + cluster.describe()
                    + " failed after Spark's retries: " + SparkCluster.oneLine(e)
                    + " (details in run.log); the last checkpoint is intact: continue with --resume");
        } finally {
            state.destroy();
        }
    }

    /** One worker's task. */
    private static final class TrainShare implements Function<DataParallel.WorkerShare, DataParallel.WorkerResult> {
        private static final long serialVersionUID = 1L;
        private final RunJob job;
        private final Broadcast<ModelState> start;

        TrainShare(RunJob job, Broadcast<ModelState> start) {
            this.job = job;
            this.start = start;
        }

        @Override
        public DataParallel.WorkerResult call(DataParallel.WorkerShare share) {
            GpuBinding.bind();
            if (InjectedFailure.dataParallelFails(share.stage(), share.epoch(), share.firstBatch())) {
                throw new IllegalStateException("injected failure of the share starting at batch " + share.firstBatch()
                        + " of " + share.stage() + " epoch " + share.epoch());
            }
            return TrainingTask.run(job, share, start.value());
        }
    }
}
