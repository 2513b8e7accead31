package org.stfusion.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingBackend;
import org.stfusion.core.execution.TrainingRequest;
import org.stfusion.core.run.UserException;

/**
 * Trains a study's networks as a Spark job each ({@link TrainOne}), submitted together from this process so that
 * they run as many at once as the cluster has cores, and each result comes back (to be recorded) the moment its
 * task ends. A failed task is retried by Spark and trains the same network again; a training that fails for good
 * does not stop the others.
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
    public List<TrainedStandalone> train(List<TrainingRequest> requests, Consumer<TrainedStandalone> finished) {
        if (requests.isEmpty()) {
            return List.of();
        }
        long start = System.nanoTime();
        ExecutorService submitters = Executors.newFixedThreadPool(Math.min(requests.size(), 64), r -> {
            Thread t = new Thread(r, "stfusion-study-submitter");
            t.setDaemon(true);
            return t;
        });
        List<Future<TrainedStandalone>> jobs = new ArrayList<>();
        for (TrainingRequest request : requests) {
            jobs.add(submitters.submit(() -> {
                TrainedStandalone done = cluster.context().parallelize(List.of(request), 1).map(new TrainOne(job))
                        .collect().get(0);
                finished.accept(done);
                return done;
            }));
        }
        List<TrainedStandalone> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Throwable firstFailure = null;
        try {
            for (int i = 0; i < requests.size(); i++) {
                try {
                    results.add(jobs.get(i).get());
                } catch (ExecutionException e) {
                    failed.add(requests.get(i).name());
                    firstFailure = firstFailure == null ? e.getCause() : firstFailure;
                    LOG.debug("the study's training {} failed", requests.get(i), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while the study's trainings ran on " + cluster.describe());
        } finally {
            submitters.shutdownNow();
        }
        if (!failed.isEmpty()) {
            throw new UserException(failed.size() + " of the study's " + requests.size() + " trainings on "
                    + cluster.describe() + " failed after Spark's retries (" + String.join(", ", failed) + "): "
                    + SparkCluster.oneLine(firstFailure) + " (details in run.log); the others are recorded in the run's "
                    + "study/ folder, and the study run again with --resume trains only what is missing");
        }
        LOG.info("{} networks trained by as many Spark tasks in {} s", requests.size(),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
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
