package org.stfusion.spark;

import org.apache.spark.api.java.function.Function;
import org.stfusion.core.StudyTask;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingRequest;

/** One Spark task of a study: takes the job's run and trains one network ({@link StudyTask}); writes nothing. */
final class TrainOne implements Function<TrainingRequest, TrainedStandalone> {
    private static final long serialVersionUID = 1L;

    private final RunJob job;

    TrainOne(RunJob job) {
        this.job = job;
    }

    @Override
    public TrainedStandalone call(TrainingRequest request) {
        GpuBinding.bind();
        try (StudyTask task = StudyTask.open(job)) {
            TrainedStandalone trained = task.train(request);
            if (InjectedFailure.STUDY.firesFor(request.index())) {
                throw InjectedFailure.STUDY.failure("after training " + request);
            }
            return trained;
        }
    }
}
