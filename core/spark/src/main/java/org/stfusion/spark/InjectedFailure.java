package org.stfusion.spark;

import org.apache.spark.TaskContext;

/**
 * Fault injection for tests, through a system property naming a partition: the first attempt of that partition's
 * task dies at a point its kind of task chooses, as an executor that is lost would, so that tests see Spark retry it.
 */
final class InjectedFailure {
    private final String property;

    /** Scoring tasks die half-way through their strategies. */
    static final InjectedFailure SCORING = new InjectedFailure("stfusion.spark.failFirstAttemptOfPartition");
    /** Study tasks die once their training is recorded, before the result is sent back. */
    static final InjectedFailure STUDY = new InjectedFailure("stfusion.spark.failFirstTrainingAttemptOfPartition");

    /**
     * Data-parallel workers fail on every attempt (so the job fails and the command stops) when their share starts at
     * the batch named {@code STAGE:EPOCH:BATCH}: a training stopped at an averaging point.
     */
    static final String DATA_PARALLEL = "stfusion.spark.failDataParallelAt";

    static boolean dataParallelFails(String stage, int epoch, int firstBatch) {
        return (stage + ":" + epoch + ":" + firstBatch).equals(System.getProperty(DATA_PARALLEL));
    }

    private InjectedFailure(String property) {
        this.property = property;
    }

    /** The system property that arms it. */
    String property() {
        return property;
    }

    /** Whether the running task is the armed partition's first attempt. */
    boolean firesNow() {
        String partition = System.getProperty(property);
        TaskContext context = TaskContext.get();
        return partition != null && context != null && context.attemptNumber() == 0
                && Integer.parseInt(partition) == context.partitionId();
    }

    /** The failure to throw, naming the task. */
    IllegalStateException failure(String when) {
        return new IllegalStateException("injected failure of task " + TaskContext.getPartitionId() + ", attempt 0, "
                + when);
    }
}
