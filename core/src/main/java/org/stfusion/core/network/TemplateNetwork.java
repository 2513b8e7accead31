package org.stfusion.core.network;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Shape;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.FixedStrategy;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.GateInputs;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.GraphRecorder;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.engine.VdpSettings;

/**
 * A backbone's network over one set of weights, seen through several graphs: the v-DropPath training
 * graph, the hard-mask evaluation graph, and fixed-strategy graphs (the warm-up trains the all-paths one).
 * All graphs share the arrays of one {@link ParameterStore}, so training any of them trains the template.
 */
public final class TemplateNetwork {
    private final Backbone backbone;
    private final InputSpec input;
    private final List<FusionPath> paths;
    private final VdpSettings vdp;
    private final ParameterStore store;
    private final Engine engine;
    private final Map<Object, BuiltGraph> graphs = new HashMap<>();
    private final BuiltGraph template;

    public TemplateNetwork(Backbone backbone, InputSpec input, List<FusionPath> paths, VdpSettings vdp,
                           DataType dataType, long seed) {
        this(backbone, input, paths, vdp, dataType, seed, Engine.forCurrentBackend());
    }

    public TemplateNetwork(Backbone backbone, InputSpec input, List<FusionPath> paths, VdpSettings vdp,
                           DataType dataType, long seed, Engine engine) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("at least one fusion path is needed");
        }
        this.backbone = backbone;
        this.input = input;
        this.paths = List.copyOf(paths);
        this.vdp = vdp;
        this.engine = engine;
        this.store = new ParameterStore(dataType, seed);
        // The training graph creates every template weight, so it is built first and defines the layout.
        this.template = graph(GraphVariant.template(GateMode.RELAXED, BnMode.BATCH));
    }

    public InputSpec input() {
        return input;
    }

    public List<FusionPath> paths() {
        return paths;
    }

    public VdpSettings vdp() {
        return vdp;
    }

    public ParameterStore store() {
        return store;
    }

    /** The v-DropPath training graph; its gates and positions define the strategy layout. */
    public BuiltGraph template() {
        return template;
    }

    public List<GateInfo> gates() {
        return template.gates();
    }

    public List<PositionInfo> positions() {
        return template.positions();
    }

    /** The graph for {@code variant} at the training clip size; template variants are cached, fixed ones by their path sets. */
    public BuiltGraph graph(GraphVariant variant) {
        return graph(variant, input.clipShape());
    }

    /**
     * The graph for {@code variant} on clips of {@code clip} (C x T x H x W): the network is convolutional up to its
     * global pooling, so the same weights run at another height and width, as evaluation at another size than
     * training needs; an engine plans each input size apart. Template variants are cached per size.
     *
     * @throws IllegalArgumentException when the network cannot take that size (see {@link #requireInput})
     */
    public BuiltGraph graph(GraphVariant variant, Shape clip) {
        Object key = variant.fixed() == null ? List.of(variant.gates(), variant.bn(), clip) : null;
        if (key != null && graphs.containsKey(key)) {
            return graphs.get(key);
        }
        BuiltGraph g = build(variant, clip);
        if (key != null) {
            graphs.put(key, g);
        }
        return g;
    }

    /** A fixed network with the given path set at every position (e.g. all paths = the S+ST network). */
    public BuiltGraph fixedGraph(BnMode bn, BitSet pathsEverywhere) {
        return fixedGraph(bn, pathsEverywhere, input.clipShape());
    }

    /** {@link #fixedGraph(BnMode, BitSet)} on clips of {@code clip}. */
    public BuiltGraph fixedGraph(BnMode bn, BitSet pathsEverywhere, Shape clip) {
        Object key = List.of("fixed", bn, pathsEverywhere, clip);
        return graphs.computeIfAbsent(key, k -> build(GraphVariant.fixed(bn, pos -> pathsEverywhere), clip));
    }

    /** The same network trained with dropout before its classifier (the warm-up): needs {@code fcDropout} masks. */
    public BuiltGraph fixedGraphWithDropout(BitSet pathsEverywhere) {
        Object key = List.of("fixed-dropout", pathsEverywhere);
        return graphs.computeIfAbsent(key, k -> build(GraphVariant.fixedWithDropout(pos -> pathsEverywhere),
                input.clipShape()));
    }

    /** A fixed network with a path set (and possibly layer and source choices) per position. */
    public BuiltGraph fixedGraph(BnMode bn, FixedStrategy strategy) {
        return build(GraphVariant.fixed(bn, strategy), input.clipShape());
    }

    private BuiltGraph build(GraphVariant variant, Shape clip) {
        NetworkGraph graph = record(store, backbone, variant, paths, vdp, input, clip);
        return new BuiltGraph(graph, engine.compile(graph, store));
    }

    /**
     * Records {@code backbone}'s graph on clips of {@code clip}: at the training size {@code input} it makes the
     * weights it declares; at another height and width it must declare exactly the weights already made.
     */
    static NetworkGraph record(ParameterStore store, Backbone backbone, GraphVariant variant, List<FusionPath> paths,
                               VdpSettings vdp, InputSpec input, Shape clip) {
        if (clip.equals(input.clipShape())) {
            return new GraphRecorder(store, variant, paths, vdp).record(backbone, clip, input.classes());
        }
        requireInput(input, clip);
        try {
            return new GraphRecorder(store, variant, paths, vdp, true).record(backbone, clip, input.classes());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("the network cannot take clips of " + clip.height() + "x" + clip.width()
                    + " px: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses clips of another channel count or clip length than {@code input}: only the height and width may differ
     * from the training size.
     */
    static void requireInput(InputSpec input, Shape clip) {
        if (clip.flat() || clip.channels() != input.channels() || clip.frames() != input.frames()) {
            throw new IllegalArgumentException("the network takes clips of " + input.channels() + " channels and "
                    + input.frames() + " frames (any height and width its layers can reduce), not " + clip);
        }
    }

    /** The engine that runs this network's graphs. */
    public Engine engine() {
        return engine;
    }

    /** Current drop probabilities p = sigmoid(θ) of the path gates, in strategy order. */
    public double[] dropRates() {
        double[] p = new double[gates().size()];
        for (GateInfo g : gates()) {
            p[g.index()] = sigmoid(store.trainable().get(g.thetaName()).getDouble(0));
        }
        return p;
    }

    /** Drop probability of the classifier's feature gate. */
    public double classifierDropRate() {
        return sigmoid(store.trainable().get(template.classifierTheta()).getDouble(0));
    }

    /** One training step of {@code graph} on this network's weights; see {@link GraphExecutor#trainStep}. */
    public GraphExecutor.Step trainStep(BuiltGraph graph, INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        return graph.executor().trainStep(clips, oneHot, gateInputs);
    }

    /** Loss terms only (no gradient, no running-statistics update); for tests and checks. */
    public double[] lossTerms(BuiltGraph graph, INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        return graph.executor().lossTerms(clips, oneHot, gateInputs);
    }

    /** Logits of {@code graph} for a batch; {@code gateInputs} holds the masks of a HARD graph. */
    public INDArray logits(BuiltGraph graph, INDArray clips, Map<String, INDArray> gateInputs) {
        return graph.executor().logits(clips, gateInputs);
    }

    /**
     * Re-estimates every batch norm's running statistics for a strategy (precise BN): the batch means and
     * variances of {@code batches} forward passes of the HARD/BATCH graph under {@code masks} are averaged and
     * replace the running statistics. Weights are not touched. Returns the statistics that were replaced, so
     * the caller can restore the template's own.
     */
    public Map<String, INDArray> recalibrate(java.util.Iterator<INDArray> batches, Map<String, INDArray> masks) {
        return PreciseBatchNorm.recalibrate(graph(GraphVariant.template(GateMode.HARD, BnMode.BATCH)), store, batches, masks);
    }

    /**
     * For each strategy's masks, the running statistics {@link #recalibrate} would give it (by state name, the batch
     * norms it runs), estimated on {@code batches} without changing this network's.
     */
    public List<Map<String, INDArray>> recalibrated(List<INDArray> batches, List<Map<String, INDArray>> masks) {
        return PreciseBatchNorm.estimate(graph(GraphVariant.template(GateMode.HARD, BnMode.BATCH)), store, batches, masks);
    }

    /** Copies of every running statistic, by state name: what {@link #restoreStatistics} puts back. */
    public Map<String, INDArray> runningStatistics() {
        Map<String, INDArray> copies = new java.util.LinkedHashMap<>();
        store.state().forEach((name, values) -> {
            if (name.endsWith(".runningMean") || name.endsWith(".runningVar")) {
                copies.put(name, values.dup());
            }
        });
        return copies;
    }

    /** Puts back statistics returned by {@link #recalibrate}. */
    public void restoreStatistics(Map<String, INDArray> previous) {
        previous.forEach((name, values) -> store.state().get(name).assign(values));
    }

    /** Placeholders of the HARD evaluation graph for a strategy: 0/1 per path gate and per classifier feature. */
    public Map<String, INDArray> hardMasks(boolean[] pathKeep, boolean[] featureKeep) {
        DataType dt = store.dataType();
        INDArray paths = Nd4j.create(dt, 1, pathKeep.length);
        for (int i = 0; i < pathKeep.length; i++) {
            paths.putScalar(0, i, pathKeep[i] ? 1 : 0);
        }
        INDArray features = Nd4j.create(dt, 1, featureKeep.length);
        for (int i = 0; i < featureKeep.length; i++) {
            features.putScalar(0, i, featureKeep[i] ? 1 : 0);
        }
        return Map.of(GateInputs.PATH_KEEP, paths, GateInputs.FC_KEEP, features);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
