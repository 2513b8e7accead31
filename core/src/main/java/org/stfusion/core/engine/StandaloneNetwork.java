package org.stfusion.core.engine;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;

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
        store = new ParameterStore(dataType, seed);
        VdpSettings unused = VdpSettings.defaults(1);
        training = new SameDiffNetworkBuilder(store, GraphVariant.fixed(BnMode.BATCH, pathsAt), paths, unused)
                .build(backbone, input.clipShape(), input.classes());
        evaluation = new SameDiffNetworkBuilder(store, GraphVariant.fixed(BnMode.RUNNING, pathsAt), paths, unused)
                .build(backbone, input.clipShape(), input.classes());
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

    public long parameterCount() {
        return store.parameterCount();
    }

    public long macsPerClip() {
        return evaluation.macs();
    }
}
