package org.stfusion.core.network;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Shape;
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
    private final Backbone backbone;
    private final InputSpec input;
    private final List<FusionPath> paths;
    private final FixedStrategy pathsAt;
    private final Engine engine;
    /** Evaluation graphs at other clip sizes than the training size. */
    private final Map<Shape, BuiltGraph> evaluationAt = new HashMap<>();

    public StandaloneNetwork(Backbone backbone, InputSpec input, List<FusionPath> paths, FixedStrategy pathsAt,
                             DataType dataType, long seed) {
        this(backbone, input, paths, pathsAt, dataType, seed, Engine.forCurrentBackend());
    }

    public StandaloneNetwork(Backbone backbone, InputSpec input, List<FusionPath> paths, FixedStrategy pathsAt,
                             DataType dataType, long seed, Engine engine) {
        store = new ParameterStore(dataType, seed);
        this.backbone = backbone;
        this.input = input;
        this.paths = List.copyOf(paths);
        this.pathsAt = pathsAt;
        this.engine = engine;
        NetworkGraph train = new GraphRecorder(store, GraphVariant.fixed(BnMode.BATCH, pathsAt), paths, UNUSED)
                .record(backbone, input.clipShape(), input.classes());
        NetworkGraph eval = new GraphRecorder(store, GraphVariant.fixed(BnMode.RUNNING, pathsAt), paths, UNUSED)
                .record(backbone, input.clipShape(), input.classes());
        training = new BuiltGraph(train, engine.compile(train, store));
        evaluation = new BuiltGraph(eval, engine.compile(eval, store));
    }

    private static final VdpSettings UNUSED = VdpSettings.defaults(1);

    public ParameterStore store() {
        return store;
    }

    /** The batch-statistics graph with a loss, for training. */
    public BuiltGraph training() {
        return training;
    }

    /** The running-statistics graph at the training clip size, for scoring. */
    public BuiltGraph evaluation() {
        return evaluation;
    }

    /**
     * The running-statistics graph on clips of {@code clip}: the same weights at another height and width (made once
     * per size).
     *
     * @throws IllegalArgumentException when the network cannot take that size
     */
    public synchronized BuiltGraph evaluation(Shape clip) {
        if (clip.equals(input.clipShape())) {
            return evaluation;
        }
        return evaluationAt.computeIfAbsent(clip, c -> {
            NetworkGraph eval = TemplateNetwork.record(store, backbone, GraphVariant.fixed(BnMode.RUNNING, pathsAt), paths,
                    UNUSED, input, c);
            return new BuiltGraph(eval, engine.compile(eval, store));
        });
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
