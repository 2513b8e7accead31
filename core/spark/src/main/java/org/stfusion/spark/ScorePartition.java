package org.stfusion.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.stfusion.core.ScoringTask;
import org.stfusion.core.execution.ScoreRequest;
import org.stfusion.core.execution.ScoredRequest;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.train.ModelState;

/** One Spark task: takes the job's run with the broadcast trained template and scores its slice of the requests. */
final class ScorePartition implements FlatMapFunction<Iterator<ScoreRequest>, ScoredRequest> {
    private static final long serialVersionUID = 1L;

    private final RunJob job;
    private final Broadcast<ModelState> trained;

    ScorePartition(RunJob job, Broadcast<ModelState> trained) {
        this.job = job;
        this.trained = trained;
    }

    @Override
    public Iterator<ScoredRequest> call(Iterator<ScoreRequest> slice) {
        List<ScoreRequest> requests = new ArrayList<>();
        slice.forEachRemaining(requests::add);
        if (requests.isEmpty()) {
            return List.<ScoredRequest>of().iterator();
        }
        GpuBinding.bind();
        try (ScoringTask task = ScoringTask.open(job, trained.value())) {
            if (InjectedFailure.SCORING.firesNow()) {
                task.score(requests.subList(0, requests.size() / 2));
                throw InjectedFailure.SCORING.failure("half-way through its " + requests.size() + " strategies");
            }
            return task.score(requests).iterator();
        }
    }

}
