package org.stfusion.core.network;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.FixedStrategy;
import org.stfusion.core.engine.GraphRecorder;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.VdpSettings;

/**
 * A fixed-strategy network on its own weights: only the paths of its unit at each position exist, there are
 * no gates and no drop rates. This is what a strategy is when trained from scratch (the paper's Table 2
 * networks S, ST, S+ST and Opt).
 */
public final class StandaloneNetwork {
    private final ParameterStore store;
    private final BuiltGraph training;
    private final BuiltGraph evaluation;

    public StandaloneNetwork(Backbone backbone, InputSpec input, List<FusionPath> paths, FixedStrategy pathsAt,
                             DataType dataType, long seed) {
        this(backbone, input, paths, pathsAt, dataType, seed, Engine.forCurrentBackend());
    }

    public StandaloneNetwork(Backbone backbone, InputSpec input, List<FusionPath> paths, FixedStrategy pathsAt,
                             DataType dataType, long seed, Engine engine) {
        store = new ParameterStore(dataType, seed);
        VdpSettings unused = VdpSettings.defaults(1);
        NetworkGraph train = new GraphRecorder(store, GraphVariant.fixed(BnMode.BATCH, pathsAt), paths, unused)
                .record(backbone, input.clipShape(), input.classes());
        NetworkGraph eval = new GraphRecorder(store, GraphVariant.fixed(BnMode.RUNNING, pathsAt), paths, unused)
                .record(backbone, input.clipShape(), input.classes());
        training = new BuiltGraph(train, engine.compile(train, store));
        evaluation = new BuiltGraph(eval, engine.compile(eval, store));
    }

    public ParameterStore store() {
        return store;
    }

    /** The batch-statistics graph with a loss, for training. */
    public BuiltGraph training() {
        return training;
    }

    /** The running-statistics graph, for scoring. */
    public BuiltGraph evaluation() {
        return evaluation;
    }

    /**
     * Replaces the running statistics by the average batch statistics of {@code batches} (precise BN), as
     * the template's sub-network was scored with under batch-norm recalibration.
     */
    public void recalibrate(Iterator<INDArray> batches) {
        PreciseBatchNorm.recalibrate(training, store, batches, Map.of());
    }

    public long parameterCount() {
        return store.parameterCount();
    }

    public long macsPerClip() {
        return evaluation.macs();
    }
}
