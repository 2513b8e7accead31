package org.stfusion.spark;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.stfusion.core.RetrainTask;
import org.stfusion.core.execution.RetrainRequest;
import org.stfusion.core.execution.Retrained;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.train.ModelState;

/** The Spark task of {@code stfusion retrain}: one network, trained where Spark puts it ({@link RetrainTask}). */
final class RetrainOne implements Function<RetrainRequest, Retrained> {
    private static final long serialVersionUID = 1L;

    private final RunJob job;
    private final Broadcast<ModelState> trained;

    RetrainOne(RunJob job, Broadcast<ModelState> trained) {
        this.job = job;
        this.trained = trained;
    }

    @Override
    public Retrained call(RetrainRequest request) {
        GpuBinding.bind();
        return RetrainTask.run(job, request, trained.value());
    }
}
