package org.stfusion.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.stfusion.core.StudyTask;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingRequest;

/** One Spark task of a study: opens the job's run, trains one network and records it ({@link StudyTask}). */
final class TrainOne implements Function<TrainingRequest, TrainedStandalone> {
    private static final long serialVersionUID = 1L;

    /**
     * Fault injection for tests: the first attempt of the task with this partition index dies once its training is
     * recorded, as an executor lost before it could send its result back would.
     */
    static final String FAIL_FIRST_ATTEMPT = "stfusion.spark.failFirstTrainingAttemptOfPartition";

    private final RunJob job;

    TrainOne(RunJob job) {
        this.job = job;
    }

    @Override
    public TrainedStandalone call(TrainingRequest request) {
        try (StudyTask task = StudyTask.open(job)) {
            TrainedStandalone trained = task.train(request);
            if (failsNow()) {
                throw new IllegalStateException("injected failure of task " + TaskContext.getPartitionId()
                        + ", attempt 0, after training " + request);
            }
            return trained;
        }
    }

    private static boolean failsNow() {
        String partition = System.getProperty(FAIL_FIRST_ATTEMPT);
        TaskContext context = TaskContext.get();
        return partition != null && context != null && context.attemptNumber() == 0
                && Integer.parseInt(partition) == context.partitionId();
    }
}
