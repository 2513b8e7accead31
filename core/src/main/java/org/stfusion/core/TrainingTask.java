package org.stfusion.core;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.stfusion.api.data.Split;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.RunJobs;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;
import org.stfusion.core.train.DataParallel;
import org.stfusion.core.train.ModelState;
import org.stfusion.core.train.SgdMomentum;
import org.stfusion.core.train.Trainer;
import org.stfusion.core.train.TrainingSteps;

/**
 * What one worker of data-parallel training does for a round, in whichever JVM runs it: opens the run of a job
 * read-only (no reporters, no lock), builds the template, takes the round's start state, trains its share of the
 * epoch's batches and sends back its state. It writes nothing; a retried worker computes the same again.
 */
public final class TrainingTask {
    private TrainingTask() {
    }

    public static DataParallel.WorkerResult run(RunJob job, DataParallel.WorkerShare share, ModelState start) {
        Path runDir = Path.of(job.runDir());
        var plugins = RunJobs.plugins(job, TrainingTask.class.getClassLoader());
        try (Experiment experiment = Experiment.openForTask(plugins, RunJobs.config(job), runDir,
                new PrintStream(new ByteArrayOutputStream()))) {
            var session = experiment.session();
            TemplateNetwork net = session.network();
            SgdMomentum optimizer = new SgdMomentum(session.config().training().momentum());
            start.applyTo(net.store(), optimizer);
            TrainingSteps.Stage stage = new TrainingSteps.Stage(Trainer.graphFor(net, share.warmup(), share.warmupDropout()),
                    share.warmup(), share.lr(), share.weightDecay(), share.warmupDropout());
            RunRandom random = new RunRandom(0);
            random.restore(share.randomState());
            var batches = session.loader().iterate(Split.TRAIN, share.items(), share.batchSize(), share.augmentSeed());
            try {
                TrainingSteps.Sums sums = new TrainingSteps(net, optimizer).run(stage, batches, random, (s, l) -> { });
                return new DataParallel.WorkerResult(ModelState.capture(net.store(), optimizer), sums, random.state(),
                        null, 0);
            } catch (TrainingSteps.Fault fault) {
                return new DataParallel.WorkerResult(null, TrainingSteps.Sums.NONE, random.state(), fault.getMessage(),
                        fault.step());
            }
        }
    }
}
