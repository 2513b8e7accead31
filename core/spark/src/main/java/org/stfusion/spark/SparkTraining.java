package org.stfusion.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingBackend;
import org.stfusion.core.execution.TrainingRequest;
import org.stfusion.core.run.UserException;

/**
 * Trains a study's networks as one Spark job of a task a network ({@link TrainOne}), as many at once as the
 * cluster has cores. Each task records its result in the run directory when it finishes; a failed task is retried
 * by Spark and trains the same network again.
 */
final class SparkTraining implements TrainingBackend {
    private static final Logger LOG = LogManager.getLogger(SparkTraining.class);

    private final SparkCluster cluster;
    private final RunJob job;

    SparkTraining(SparkCluster cluster, RunJob job) {
        this.cluster = cluster;
        this.job = job;
    }

    @Override
    public List<TrainedStandalone> train(List<TrainingRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        long start = System.nanoTime();
        List<TrainedStandalone> results;
        try {
            // as many slices as requests: Spark puts one request in each, so every training is a task of its own
            results = cluster.context().parallelize(new ArrayList<>(requests), requests.size())
                    .map(new TrainOne(job)).collect();
        } catch (Exception e) { // Scala throws SparkException, a checked exception, unchecked
            LOG.debug("the study's trainings failed", e);
            throw new UserException("the study's trainings on " + cluster.describe() + " failed after Spark's retries: "
                    + SparkCluster.oneLine(e) + " (details in run.log); the trainings that finished are recorded in "
                    + "the run's study/ folder, and the study run again with --resume trains only the others");
        }
        LOG.info("{} networks trained by as many Spark tasks in {} s", requests.size(),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        if (results.size() != requests.size()) {
            throw new IllegalStateException("Spark returned " + results.size() + " trainings for " + requests.size());
        }
        for (int i = 0; i < requests.size(); i++) {
            if (!results.get(i).request().equals(requests.get(i))) {
                throw new IllegalStateException("Spark returned " + results.get(i).request() + " for " + requests.get(i));
            }
        }
        return results;
    }

    @Override
    public String describe() {
        return cluster.describe();
    }
}
