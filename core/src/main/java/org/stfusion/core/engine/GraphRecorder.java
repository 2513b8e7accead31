package org.stfusion.core.engine;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;

/**
 * Records a backbone's declarations as a {@link NetworkGraph} over the weights of a {@link ParameterStore}
 * (creating them on first use, in declaration order, so a seed gives the same weights whatever the engine). It
 * decides what a fusion position contains for the {@link GraphVariant}: in a template every fusion path behind
 * its own Variational DropPath gate (one per path, or one per (path, source) with drop rates per source), in a
 * fixed-strategy network only the paths the strategy keeps, ungated; and it collects each gate's regulariser
 * term ({@link GateLedger}) and the MACs per clip. Shapes are worked out by {@link GraphShapes}, weights declared
 * through {@link WeightDeclarations}.
 */
public final class GraphRecorder implements NetworkBuilder {
    private final ParameterStore store;
    private final GraphVariant variant;
    private final List<FusionPath> paths;
    private final VdpSettings vdp;
    private final WeightDeclarations weights;
    private final GateLedger gates;
    private final List<Node> nodes = new ArrayList<>();
    private final List<PositionInfo> positions = new ArrayList<>();
    private final List<String> batchNorms = new ArrayList<>();
    private final List<NetworkGraph.PathRegion> regions = new ArrayList<>();
    private long macs;
    private String classifierTheta;
    private int classifierFeatures;

    public GraphRecorder(ParameterStore store, GraphVariant variant, List<FusionPath> paths, VdpSettings vdp) {
        this(store, variant, paths, vdp, false);
    }

    /**
     * With {@code existingWeightsOnly}, every weight and batch-norm statistic the backbone declares must already be
     * in {@code store} with the shape declared: for a graph of the same network at another input size (evaluation
     * at another height and width), which must run on exactly the weights made at the training size.
     */
    public GraphRecorder(ParameterStore store, GraphVariant variant, List<FusionPath> paths, VdpSettings vdp,
                         boolean existingWeightsOnly) {
        this.store = store;
        this.variant = variant;
        this.paths = List.copyOf(paths);
        this.vdp = vdp;
        this.weights = new WeightDeclarations(store, existingWeightsOnly);
        this.gates = new GateLedger(variant.gates());
    }

    /** Declares the network: {@code backbone} is called with the input node. */
    public NetworkGraph record(Backbone backbone, Shape clip, int classes) {
        Tensor logits = backbone.build(this, add(new Op.Input(), List.of(), clip));
        gates.finishLayerGate();
        if (!logits.shape().flat() || logits.shape().channels() != classes) {
            throw new IllegalStateException("backbone returned " + logits.shape() + ", expected [" + classes + "] logits");
        }
        return new NetworkGraph(variant, vdp, store.dataType(), nodes, id(logits), classes, weights.used(),
                gates.gates(), positions, batchNorms, gates.regularisers(), regions, classifierTheta, classifierFeatures,
                macs);
    }

    // ---- NetworkBuilder ----

    @Override
    public Tensor conv3d(String name, Tensor x, int outChannels, Kernel3 k, Kernel3 s, Kernel3 p, int groups) {
        Shape in = GraphShapes.volume(x, "conv3d " + name);
        Shape out = GraphShapes.convolution(name, in, outChannels, k, s, p, groups);
        int inPerGroup = in.channels() / groups;
        long fanIn = (long) inPerGroup * k.volume();
        String weight = weights.trainable(name + ".weight", new long[] {k.t(), k.h(), k.w(), inPerGroup, outChannels},
                () -> store.kaimingNormal(fanIn, k.t(), k.h(), k.w(), inPerGroup, outChannels));
        long convMacs = fanIn * outChannels * out.voxels();
        macs += convMacs;
        gates.convolution(weight, convMacs);
        return add(new Op.Conv(weight, k, s, p, groups), List.of(id(x)), out);
    }

    @Override
    public Tensor batchNorm(String name, Tensor x) {
        Shape shape = GraphShapes.volume(x, "batchNorm " + name);
        long c = shape.channels();
        long[] perChannel = {1, c, 1, 1, 1};
        weights.trainable(name + ".gamma", perChannel, () -> store.constant(1, perChannel));
        weights.trainable(name + ".beta", perChannel, () -> store.constant(0, perChannel));
        weights.state(name + ".runningMean", perChannel, () -> store.constant(0, perChannel));
        weights.state(name + ".runningVar", perChannel, () -> store.constant(1, perChannel));
        if (variant.bn() == BnMode.BATCH) {
            batchNorms.add(name);
        }
        return add(new Op.BatchNorm(name), List.of(id(x)), shape);
    }

    @Override
    public Tensor relu(Tensor x) {
        return add(new Op.Relu(), List.of(id(x)), x.shape());
    }

    @Override
    public Tensor relu6(Tensor x) {
        return add(new Op.Relu6(), List.of(id(x)), x.shape());
    }

    @Override
    public Tensor maxPool3d(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        return pool(x, k, s, p, true);
    }

    @Override
    public Tensor avgPool3d(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        return pool(x, k, s, p, false);
    }

    private Tensor pool(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p, boolean max) {
        Shape in = GraphShapes.volume(x, "pool");
        if (k.volume() == 1 && s.volume() == 1) {
            return x;
        }
        return add(new Op.Pool(max, k, s, p), List.of(id(x)), GraphShapes.pool(in, k, s, p, max));
    }

    @Override
    public Tensor concat(List<Tensor> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat of nothing");
        }
        Shape first = GraphShapes.volume(xs.get(0), "concat");
        int channels = 0;
        List<Integer> sources = new ArrayList<>();
        List<Integer> inputs = new ArrayList<>();
        for (Tensor t : xs) {
            Shape s = t.shape();
            if (s.flat() != first.flat() || s.frames() != first.frames() || s.height() != first.height()
                    || s.width() != first.width()) {
                throw new IllegalArgumentException("concat of " + first + " and " + s);
            }
            channels += s.channels();
            inputs.add(id(t));
            sources.addAll(node(t).sources());
        }
        Shape out = new Shape(channels, first.frames(), first.height(), first.width(), first.flat());
        return add(new Op.Concat(), inputs, out, sources);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("add of " + a.shape() + " and " + b.shape());
        }
        return add(new Op.Sum(), List.of(id(a), id(b)), a.shape());
    }

    @Override
    public Tensor globalAvgPool(Tensor x) {
        Shape in = GraphShapes.volume(x, "globalAvgPool");
        return add(new Op.GlobalAvgPool(), List.of(id(x)), Shape.vector(in.channels()));
    }

    /**
     * A fusion position; see {@link FusionForm} for what wraps each path. Drop rates per source apply to the
     * forms gated on the path's input; {@link FusionForm#POST_ACTIVATION_RELU6} has one gate per path on its
     * output, because a masked input would still leave BN's shift in the output.
     */
    @Override
    public Tensor fusion(String name, Tensor x, int outChannels, FusionForm form) {
        Shape in = GraphShapes.volume(x, "fusion " + name);
        Shape outShape = Shape.volume(outChannels, in.frames(), in.height(), in.width());
        BitSet present = variant.paths(name, paths.size());
        List<Integer> chunks = node(x).sources();
        boolean gatedOutput = form == FusionForm.POST_ACTIVATION_RELU6;
        boolean perSource = vdp.perSource() && variant.gates() != GateMode.NONE && chunks.size() > 1 && !gatedOutput;
        List<List<Integer>> pathGates = new ArrayList<>();
        List<List<Integer>> pathSources = new ArrayList<>();
        List<Boolean> pathsPresent = new ArrayList<>();
        List<List<String>> pathParameters = new ArrayList<>();
        List<Integer> outputs = new ArrayList<>();
        List<int[]> pending = new ArrayList<>(); // {pathIndex, first, last, output} until the sum node exists
        for (int i = 0; i < paths.size(); i++) {
            pathsPresent.add(present.get(i));
            List<Integer> read = variant.fixed() == null ? null : variant.fixed().sources(name, i);
            pathSources.add(read == null || !present.get(i) ? List.of() : read);
            if (!present.get(i)) {
                pathGates.add(List.of());
                pathParameters.add(List.of());
                continue;
            }
            FusionPath path = paths.get(i);
            String scope = name + "." + path.unitName();
            int first = nodes.size();
            int firstParameter = weights.used().size();
            Tensor h = form == FusionForm.PRE_ACTIVATION ? relu(batchNorm(scope + ".bn", x)) : x;
            long macsBefore = macs;
            List<Integer> gatesHere = new ArrayList<>();
            Tensor y;
            if (variant.gates() == GateMode.NONE) {
                Tensor input = read == null ? h
                        : add(new Op.ChannelMask(GraphShapes.sourceMask(chunks, read, name)), List.of(id(h)), h.shape());
                y = activatedOutput(form, scope, path.apply(this, scope, input, outChannels));
            } else if (!perSource) {
                int g = gates.next();
                String theta = theta(scope + ".theta");
                gates.startPath();
                Op.Gate gate = new Op.Gate(List.of(g), List.of(in.channels()));
                if (gatedOutput) {
                    Tensor activated = activatedOutput(form, scope, path.apply(this, scope, h, outChannels));
                    y = add(new Op.Gate(List.of(g), List.of(outChannels)), List.of(id(activated)), activated.shape());
                } else {
                    y = path.apply(this, scope, add(gate, List.of(id(h)), h.shape()), outChannels);
                }
                List<String> pathWeights = gates.pathWeights();
                gates.add(new GateInfo(g, name, i, path.unitName(), theta, pathWeights, macs - macsBefore));
                gatesHere.add(g);
                gates.regularise(theta, pathWeights.stream().map(NetworkGraph.WeightSlice::whole).toList(), 1);
            } else {
                y = perSourcePath(name, i, path, scope, h, chunks, outChannels, gatesHere);
            }
            pathGates.add(gatesHere);
            pathParameters.add(weights.since(firstParameter));
            if (!y.shape().equals(outShape)) {
                throw new IllegalStateException("fusion path '" + path.unitName() + "' at " + name + " returned "
                        + y.shape() + ", expected " + outChannels + " channels at the input's size");
            }
            outputs.add(id(y));
            if (!gatesHere.isEmpty()) {
                pending.add(new int[] {i, first, nodes.size() - 1, id(y)});
            }
        }
        Tensor sum = outputs.isEmpty() ? add(new Op.Zeros(), List.of(id(x)), outShape)
                : outputs.size() == 1 ? nodes.get(outputs.get(0)) : add(new Op.Sum(), outputs, outShape);
        for (int[] p : pending) {
            regions.add(new NetworkGraph.PathRegion(name, p[0], pathGates.get(p[0]), p[1], p[2], p[3], id(sum)));
        }
        positions.add(new PositionInfo(positions.size(), name, in, outChannels, pathsPresent, pathGates, -1, true,
                pathSources, pathParameters));
        return sum;
    }

    /** The path's own BN and ReLU6 after its conv in the post-activation form; the conv output otherwise. */
    private Tensor activatedOutput(FusionForm form, String scope, Tensor convOutput) {
        return form == FusionForm.POST_ACTIVATION_RELU6 ? relu6(batchNorm(scope + ".bn", convOutput)) : convOutput;
    }

    /**
     * One gate per (path, source): every source's channels get their own relaxed mask, and each gate's
     * regulariser covers the slice of the path's first convolution that reads that source.
     */
    private Tensor perSourcePath(String name, int pathIndex, FusionPath path, String scope, Tensor h,
                                 List<Integer> chunks, int outChannels, List<Integer> gatesHere) {
        int first = gates.next();
        List<String> thetas = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        for (int j = 0; j < chunks.size(); j++) {
            thetas.add(theta(scope + ".source" + j + ".theta"));
            indices.add(first + j);
            gates.reserve(); // filled in below once the path's weights are known
        }
        int channels = h.shape().channels();
        long macsBefore = macs;
        gates.startPath();
        Tensor y = path.apply(this, scope, add(new Op.Gate(indices, chunks), List.of(id(h)), h.shape()), outChannels);
        List<String> pathWeights = gates.pathWeights();
        long pathMacs = macs - macsBefore;
        int offset = 0;
        for (int j = 0; j < chunks.size(); j++) {
            int g = first + j;
            gates.set(g, new GateInfo(g, name, pathIndex, path.unitName(), thetas.get(j), pathWeights,
                    pathMacs * chunks.get(j) / channels, j));
            gatesHere.add(g);
            gates.regularise(thetas.get(j), sourceSlice(pathWeights, channels, offset, chunks.get(j)), 1);
            offset += chunks.get(j);
        }
        return y;
    }

    /**
     * The weights a source gate's regulariser covers: the input-channel slice [offset, offset+count) of the
     * path's first convolution when it reads all input channels; the whole first weight otherwise.
     */
    private List<NetworkGraph.WeightSlice> sourceSlice(List<String> weights, int channels, int offset, int count) {
        if (weights.isEmpty()) {
            return List.of();
        }
        long[] shape = store.trainable().get(weights.get(0)).shape();
        if (shape.length != 5 || shape[3] != channels) {
            return List.of(NetworkGraph.WeightSlice.whole(weights.get(0)));
        }
        return List.of(new NetworkGraph.WeightSlice(weights.get(0), offset, count));
    }

    /**
     * The gate "D1" on the input of the layer after fusion position {@code position}. With D1 enabled in a
     * template it is a v-DropPath gate whose regulariser covers the next convolution's weights; in a fixed
     * network that skips the layer it is zero; otherwise the identity.
     */
    @Override
    public Tensor layerGate(String position, Tensor x) {
        int at = -1;
        for (int i = 0; i < positions.size(); i++) {
            if (positions.get(i).name().equals(position)) {
                at = i;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException("layerGate(" + position + ") before fusion(" + position + ")");
        }
        if (variant.fixed() != null) {
            if (variant.fixed().layerKept(position)) {
                return x;
            }
            positions.set(at, positions.get(at).withLayerKept(false));
            return add(new Op.Zeros(), List.of(id(x)), x.shape());
        }
        if (variant.gates() == GateMode.NONE || !vdp.layerGates()) {
            return x;
        }
        gates.finishLayerGate();
        int g = gates.next();
        String theta = theta(position + ".D1.theta");
        gates.addLayerGate(new GateInfo(g, position, GateInfo.LAYER, "D1", theta, List.of(), 0));
        positions.set(at, positions.get(at).withLayerGate(g));
        return add(new Op.Gate(List.of(g), List.of(x.shape().channels())), List.of(id(x)), x.shape());
    }

    @Override
    public Tensor classifier(String name, Tensor features, int classes) {
        Shape in = features.shape();
        if (!in.flat()) {
            throw new IllegalArgumentException("classifier " + name + " needs a feature vector, got " + in);
        }
        int c = in.channels();
        String w = weights.trainable(name + ".weight", new long[] {c, classes},
                () -> store.uniform(1 / Math.sqrt(c), c, classes));
        String b = weights.trainable(name + ".bias", new long[] {1, classes}, () -> store.constant(0, 1, classes));
        classifierFeatures = c;
        Tensor x = features;
        if (variant.gates() != GateMode.NONE) {
            classifierTheta = theta(name + ".theta");
            x = add(new Op.FeatureGate(classifierTheta), List.of(id(x)), in);
            gates.regularise(classifierTheta, List.of(NetworkGraph.WeightSlice.whole(w)), c);
        }
        if (variant.classifierDropout()) {
            x = add(new Op.Dropout(), List.of(id(x)), in);
        }
        macs += (long) c * classes;
        return add(new Op.Linear(w, b), List.of(id(x)), Shape.vector(classes));
    }

    // ---- helpers ----

    /** A θ: one value. */
    private static final long[] SCALAR = {1};

    /** A gate's drop-rate logit θ, created at v-DropPath's initial value. */
    private String theta(String name) {
        return weights.trainable(name, SCALAR, () -> store.constant(vdp.thetaInit(), 1));
    }

    private Node add(Op op, List<Integer> inputs, Shape shape) {
        return add(op, inputs, shape, List.of(shape.channels()));
    }

    private Node add(Op op, List<Integer> inputs, Shape shape, List<Integer> sources) {
        Node n = new Node(nodes.size(), op, inputs, shape, sources);
        nodes.add(n);
        return n;
    }

    private Node node(Tensor t) {
        if (!(t instanceof Node n) || n.id() >= nodes.size() || nodes.get(n.id()) != n) {
            throw new IllegalArgumentException("tensor " + t.shape() + " was not made by this builder");
        }
        return n;
    }

    private int id(Tensor t) {
        return node(t).id();
    }
}
