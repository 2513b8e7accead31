package org.stfusion.core;

import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingRequest;

/**
 * What one task of a distributed study does, in whichever JVM runs it: takes the run of a {@link RunJob} as
 * {@link ScoringTask} does (no reporters, no lock: the submitting command holds it), trains one standalone network
 * exactly as the study in the submitting process would (same network, seeds, start and budget) and hands the result
 * back. It writes nothing: the submitting process records each result as it arrives, so a task that dies leaves no
 * trace and one that is retried computes the same again.
 */
public final class StudyTask implements AutoCloseable {
    private final RunJob job;
    private final Experiment experiment;
    private boolean healthy = true;

    private StudyTask(RunJob job, Experiment experiment) {
        this.job = job;
        this.experiment = experiment;
    }

    /** The job's run (the template is built, its trained weights are not needed), kept from an earlier task or opened. */
    public static StudyTask open(RunJob job) {
        return new StudyTask(job, OpenedRuns.take(job, OpenedRuns.Use.STUDY, e -> { }));
    }

    /** Trains {@code request}'s network. */
    public TrainedStandalone train(TrainingRequest request) {
        try {
            return experiment.study().trainForTask(request);
        } catch (RuntimeException | Error e) {
            healthy = false;
            throw e;
        }
    }

    /** Frees the run for the next task of the job (or closes it, if training failed). */
    @Override
    public void close() {
        OpenedRuns.giveBack(job, OpenedRuns.Use.STUDY, experiment, healthy);
    }
}
