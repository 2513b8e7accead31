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
    /**
     * Study tasks die once their network is trained, before the result is sent back; each training is a job of its own
     * (a single partition), so the property names the training's place in the study instead of a partition.
     */
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
        TaskContext context = TaskContext.get();
        return context != null && firesFor(context.partitionId());
    }

    /** Whether the running task is the first attempt of the one armed for {@code index} (a partition, or a place). */
    boolean firesFor(int index) {
        String armed = System.getProperty(property);
        TaskContext context = TaskContext.get();
        return armed != null && context != null && context.attemptNumber() == 0 && Integer.parseInt(armed) == index;
    }

    /** The failure to throw, naming the task. */
    IllegalStateException failure(String when) {
        return new IllegalStateException("injected failure of task " + TaskContext.getPartitionId() + ", attempt 0, "
                + when);
    }
}
