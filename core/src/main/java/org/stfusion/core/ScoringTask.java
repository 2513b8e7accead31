package org.stfusion.core;

import java.util.ArrayList;
import java.util.List;
import org.stfusion.core.execution.ScoreRequest;
import org.stfusion.core.execution.ScoredRequest;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.train.ModelState;

/**
 * What one task of a distributed scoring does, in whichever JVM runs it: takes the run of a {@link RunJob}
 * as {@code stfusion sample} would, but without reporters or the run's lock (the submitting command holds it),
 * loads the trained template once and scores its share of the requests. It writes nothing: its scores go back
 * to the submitter, so a task that dies or is retried leaves no trace.
 */
public final class ScoringTask implements AutoCloseable {
    private final RunJob job;
    private final Experiment experiment;
    private boolean healthy = true;

    private ScoringTask(RunJob job, Experiment experiment) {
        this.job = job;
        this.experiment = experiment;
    }

    /**
     * The job's run with the template's {@code trained} weights and statistics (from the submitter, so the checkpoint
     * is not read): kept from an earlier task in this JVM, or opened now.
     */
    public static ScoringTask open(RunJob job, ModelState trained) {
        return new ScoringTask(job, OpenedRuns.take(job, OpenedRuns.Use.SCORING, e -> e.session().trainedFrom(trained)));
    }

    /** Scores {@code requests} in this process, in order. */
    public List<ScoredRequest> score(List<ScoreRequest> requests) {
        List<ScoredRequest> out = new ArrayList<>();
        try {
            experiment.session().localScoring().score(requests, out::add);
        } catch (RuntimeException | Error e) {
            healthy = false;
            throw e;
        }
        return out;
    }

    /** Frees the run for the next task of the job (or closes it, if scoring failed). */
    @Override
    public void close() {
        OpenedRuns.giveBack(job, OpenedRuns.Use.SCORING, experiment, healthy);
    }
}
