package org.stfusion.core.execution;

/** An open connection to an execution engine, for one command. */
public interface Cluster extends AutoCloseable {

    /**
     * Scores strategies of the run {@code job} names in the engine's tasks, with the template's {@code trained}
     * weights and statistics, which the engine hands its tasks: they need not read the checkpoint.
     */
    ScoringBackend scoring(RunJob job, org.stfusion.core.train.ModelState trained);

    /** Runs the rounds of data-parallel training of the run {@code job} names, a worker per task. */
    org.stfusion.core.train.DataParallel.RoundRunner dataParallel(RunJob job);

    /** Trains standalone networks of the run {@code job} names for its study, a task each. */
    TrainingBackend training(RunJob job);

    /**
     * Retrains one strategy's network of the run {@code job} names in a task, with the template's {@code trained}
     * weights and statistics handed to it (fine-tuning starts from them).
     */
    Retrained retrain(RunJob job, RetrainRequest request, org.stfusion.core.train.ModelState trained);

    /** One line for logs: engine, version, master and parallelism. */
    String describe();

    @Override
    void close();
}
