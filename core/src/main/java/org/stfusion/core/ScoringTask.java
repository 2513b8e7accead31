package org.stfusion.core;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.stfusion.core.execution.ScoreRequest;
import org.stfusion.core.execution.ScoredRequest;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.RunJobs;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * What one task of a distributed scoring does, in whichever JVM runs it: opens the run of a {@link RunJob}
 * as {@code stfusion sample} would, but without reporters or the run's lock (the submitting command holds it),
 * loads the trained template once and scores its share of the requests. It writes nothing: its scores go back
 * to the submitter, so a task that dies or is retried leaves no trace.
 */
public final class ScoringTask implements AutoCloseable {
    private final Experiment experiment;

    private ScoringTask(Experiment experiment) {
        this.experiment = experiment;
    }

    /** Opens the job's run and loads its trained template. */
    public static ScoringTask open(RunJob job) {
        PluginCatalog plugins = RunJobs.plugins(job, ScoringTask.class.getClassLoader());
        Path runDir = Path.of(job.runDir());
        Experiment experiment = Experiment.openForTask(plugins, RunJobs.config(job), runDir,
                new PrintStream(new ByteArrayOutputStream()));
        try {
            experiment.session().trainedNetwork();
            return new ScoringTask(experiment);
        } catch (RuntimeException e) {
            experiment.close();
            throw e;
        }
    }

    /** Scores {@code requests} in this process, in order. */
    public List<ScoredRequest> score(List<ScoreRequest> requests) {
        List<ScoredRequest> out = new ArrayList<>();
        experiment.session().localScoring().score(requests, out::add);
        return out;
    }

    @Override
    public void close() {
        experiment.close();
    }
}
