package org.stfusion.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.broadcast.Broadcast;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.run.UserException;
import org.stfusion.core.execution.ScoreRequest;
import org.stfusion.core.execution.ScoredRequest;
import org.stfusion.core.execution.ScoringBackend;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.train.ModelState;

/**
 * Scores a call's requests as one Spark job: the requests are split into {@link SparkCluster#partitions()} slices,
 * each a task that opens the run with the broadcast trained template and scores its slice ({@link ScorePartition}).
 * Tasks write nothing; a failed one is retried by Spark and computes the same scores again.
 */
final class SparkScoring implements ScoringBackend {
    private static final Logger LOG = LogManager.getLogger(SparkScoring.class);

    private final SparkCluster cluster;
    private final RunJob job;
    /** The trained template, sent to each executor once (Spark's broadcast), not read from the checkpoint there. */
    private final Broadcast<ModelState> trained;

    SparkScoring(SparkCluster cluster, RunJob job, Broadcast<ModelState> trained) {
        this.cluster = cluster;
        this.job = job;
        this.trained = trained;
    }

    @Override
    public Map<String, Scorer.Score> score(List<ScoreRequest> requests, Consumer<ScoredRequest> scored) {
        Map<String, Scorer.Score> scores = new LinkedHashMap<>();
        if (requests.isEmpty()) {
            return scores;
        }
        int slices = Math.min(requests.size(), cluster.partitions());
        long start = System.nanoTime();
        List<ScoredRequest> results;
        try {
            results = cluster.context().parallelize(new ArrayList<>(requests), slices)
                    .mapPartitions(new ScorePartition(job, trained)).collect();
        } catch (Exception e) { // Scala throws SparkException, a checked exception, unchecked
            // tasks write nothing, so nothing is left half-done: the run folder is as it was before the command
            LOG.debug("the scoring job failed", e);
            throw new UserException("scoring on " + cluster.describe() + " failed after Spark's retries: "
                    + SparkCluster.oneLine(e) + " (details in run.log); the run folder is unchanged");
        }
        LOG.debug("{} strategies scored by {} Spark tasks in {} s", requests.size(), slices,
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        for (ScoredRequest r : results) {
            if (scores.put(r.key(), r.score()) != null) {
                throw new IllegalStateException("Spark returned two scores for " + r.key());
            }
            scored.accept(r);
        }
        for (ScoreRequest r : requests) {
            if (!scores.containsKey(r.key())) {
                throw new IllegalStateException("Spark returned no score for " + r.key());
            }
        }
        return scores;
    }

    @Override
    public String describe() {
        return cluster.describe();
    }
}
