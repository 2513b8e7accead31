package org.stfusion.core;

import org.stfusion.core.execution.RetrainRequest;
import org.stfusion.core.execution.Retrained;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.train.ModelState;

/**
 * What a task retraining a strategy's network does, in whichever JVM runs it: takes the job's run with the trained
 * template its submitter handed over, trains the network exactly as {@code stfusion retrain} would here (same seeds,
 * same start or the template's weights to fine-tune) and sends back its size and score. It writes nothing; the
 * submitter records the result.
 */
public final class RetrainTask {
    private RetrainTask() {
    }

    public static Retrained run(RunJob job, RetrainRequest request, ModelState trained) {
        Experiment experiment = OpenedRuns.take(job, OpenedRuns.Use.RETRAIN, e -> e.session().trainedFrom(trained));
        boolean healthy = false;
        try {
            Retrained result = experiment.study().retrainForTask(request);
            healthy = true;
            return result;
        } finally {
            OpenedRuns.giveBack(job, OpenedRuns.Use.RETRAIN, experiment, healthy);
        }
    }
}
