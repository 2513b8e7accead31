package org.stfusion.core;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.RunJobs;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingRequest;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * What one task of a distributed study does, in whichever JVM runs it: opens the run of a {@link RunJob} as
 * {@link ScoringTask} does (no reporters, no lock: the submitting command holds it), trains one standalone network
 * exactly as the study in the submitting process would (same network, seeds, start and budget) and records its
 * result in the run directory, in a file of its own written atomically, before handing it back. That file is all
 * it writes: a task that dies leaves nothing half-written, and one that is retried writes the same result again.
 */
public final class StudyTask implements AutoCloseable {
    private final Experiment experiment;

    private StudyTask(Experiment experiment) {
        this.experiment = experiment;
    }

    /** Opens the job's run; the template is built, its trained weights are not needed. */
    public static StudyTask open(RunJob job) {
        PluginCatalog plugins = RunJobs.plugins(job, StudyTask.class.getClassLoader());
        Path runDir = Path.of(job.runDir());
        return new StudyTask(Experiment.openForTask(plugins, RunJobs.config(job), runDir,
                new PrintStream(new ByteArrayOutputStream())));
    }

    /** Trains {@code request}'s network and records its result. */
    public TrainedStandalone train(TrainingRequest request) {
        return experiment.study().trainForTask(request);
    }

    @Override
    public void close() {
        experiment.close();
    }
}
