package org.stfusion.core;

import org.stfusion.api.data.Split;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;
import org.stfusion.core.train.DataParallel;
import org.stfusion.core.train.ModelState;
import org.stfusion.core.train.SgdMomentum;
import org.stfusion.core.train.Trainer;
import org.stfusion.core.train.TrainingSteps;

/**
 * What one worker of data-parallel training does for a round, in whichever JVM runs it: takes the job's run
 * (opened read-only, without reporters or lock, and kept between the job's tasks), puts the round's start state into
 * its template, trains its share of the epoch's batches and sends back its state. It writes nothing; a retried
 * worker computes the same again.
 */
public final class TrainingTask {
    private TrainingTask() {
    }

    public static DataParallel.WorkerResult run(RunJob job, DataParallel.WorkerShare share, ModelState start) {
        Experiment experiment = OpenedRuns.take(job, OpenedRuns.Use.TRAINING, e -> e.session().network());
        boolean healthy = false;
        try {
            var session = experiment.session();
            TemplateNetwork net = session.network();
            SgdMomentum optimizer = new SgdMomentum(session.config().training().momentum());
            start.applyTo(net.store(), optimizer);
            TrainingSteps.Stage stage = new TrainingSteps.Stage(Trainer.graphFor(net, share.warmup(), share.warmupDropout()),
                    share.warmup(), share.lr(), share.weightDecay(), share.warmupDropout());
            RunRandom random = new RunRandom(0);
            random.restore(share.randomState());
            var batches = session.loader().iterate(Split.TRAIN, share.items(), share.batchSize(), share.augmentSeed());
            DataParallel.WorkerResult result;
            try {
                TrainingSteps.Sums sums = new TrainingSteps(net, optimizer).run(stage, batches, random, (s, l) -> { });
                result = new DataParallel.WorkerResult(ModelState.capture(net.store(), optimizer), sums, random.state(),
                        null, 0);
            } catch (TrainingSteps.Fault fault) {
                result = new DataParallel.WorkerResult(null, TrainingSteps.Sums.NONE, random.state(), fault.getMessage(),
                        fault.step());
            }
            healthy = true;
            return result;
        } finally {
            OpenedRuns.giveBack(job, OpenedRuns.Use.TRAINING, experiment, healthy);
        }
    }
}
