package org.stfusion.core.engine;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling3D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling3DConfig;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;

/**
 * Builds one SameDiff graph (NCDHW) from a backbone's declarations, over the weights of a
 * {@link ParameterStore}. Batch norm is written out with elementwise ops because {@code sd.nn().batchNorm}
 * cannot be differentiated in ND4J M2.1 (dl4j-notes §3); with {@link BnMode#BATCH} the batch mean and
 * variance are graph outputs, so the caller can update the running statistics.
 */
public final class SameDiffNetworkBuilder implements NetworkBuilder {
    public static final String INPUT = "input";
    public static final String LABELS = "labels";
    public static final String PATH_NOISE = "pathNoise";
    public static final String FC_NOISE = "fcNoise";
    public static final String PATH_KEEP = "pathKeep";
    public static final String FC_KEEP = "fcKeep";
    public static final String LOGITS = "logits";
    public static final String CE = "crossEntropy";
    public static final String REG = "regulariser";
    public static final String LOSS = "loss";
    static final double BN_EPS = 1e-5;

    private final SameDiff sd = SameDiff.create();
    private final ParameterStore store;
    private final GraphVariant variant;
    private final List<FusionPath> paths;
    private final VdpSettings vdp;
    private final DataType dt;
    private final Set<String> names = new HashSet<>();
    private final List<String> usedTrainable = new ArrayList<>();
    private final List<GateInfo> gates = new ArrayList<>();
    private final List<PositionInfo> positions = new ArrayList<>();
    private final List<String> batchNorms = new ArrayList<>();
    private final List<SDVariable> regularisers = new ArrayList<>();
    private final SDVariable pathNoise;
    private final SDVariable pathKeep;
    private List<String> gateWeights;
    private int pendingLayerGate = -1;
    private long macs;
    private String classifierTheta;
    private int classifierFeatures;

    public SameDiffNetworkBuilder(ParameterStore store, GraphVariant variant, List<FusionPath> paths, VdpSettings vdp) {
        this.store = store;
        this.variant = variant;
        this.paths = List.copyOf(paths);
        this.vdp = vdp;
        this.dt = store.dataType();
        pathNoise = variant.gates() == GateMode.RELAXED ? sd.placeHolder(PATH_NOISE, dt, -1, -1) : null;
        pathKeep = variant.gates() == GateMode.HARD ? sd.placeHolder(PATH_KEEP, dt, 1, -1) : null;
    }

    /** Declares the network: {@code backbone} is called with the input placeholder. */
    public BuiltGraph build(org.stfusion.api.model.Backbone backbone, Shape clip, int classes) {
        SDVariable in = sd.placeHolder(INPUT, dt, -1, clip.channels(), clip.frames(), clip.height(), clip.width());
        Tensor logits = backbone.build(this, new SdTensor(in, clip));
        finishLayerGate();
        if (!logits.shape().flat() || logits.shape().channels() != classes) {
            throw new IllegalStateException("backbone returned " + logits.shape() + ", expected [" + classes + "] logits");
        }
        SDVariable out = sd.identity(LOGITS, var(logits));
        boolean trainable = variant.bn() == BnMode.BATCH;
        if (trainable) {
            SDVariable labels = sd.placeHolder(LABELS, dt, -1, classes);
            SDVariable ce = sd.math().neg(labels.mul(sd.nn().logSoftmax(out)).sum(1).mean()).rename(CE);
            SDVariable reg = regularisers.isEmpty() ? sd.constant(REG, org.nd4j.linalg.factory.Nd4j.scalar(dt, 0))
                    : sum(regularisers).rename(REG);
            ce.add(LOSS, reg);
            sd.setLossVariables(LOSS);
        }
        return new BuiltGraph(sd, variant, List.copyOf(usedTrainable), List.copyOf(gates), List.copyOf(positions),
                List.copyOf(batchNorms), classifierTheta, classifierFeatures, macs, trainable);
    }

    // ---- NetworkBuilder ----

    @Override
    public Tensor conv3d(String name, Tensor x, int outChannels, Kernel3 k, Kernel3 s, Kernel3 p, int groups) {
        Shape in = volume(x, "conv3d " + name);
        if (groups < 1 || in.channels() % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv3d " + name + ": " + groups + " groups do not divide "
                    + in.channels() + " input and " + outChannels + " output channels");
        }
        Shape out = Shape.volume(outChannels, outSize(in.frames(), k.t(), s.t(), p.t()),
                outSize(in.height(), k.h(), s.h(), p.h()), outSize(in.width(), k.w(), s.w(), p.w()));
        if (out.frames() < 1 || out.height() < 1 || out.width() < 1) {
            throw new IllegalArgumentException("conv3d " + name + ": input " + in + " too small for kernel " + k);
        }
        int inPerGroup = in.channels() / groups;
        long fanIn = (long) inPerGroup * k.volume();
        String wName = param(name + ".weight",
                () -> store.kaimingNormal(fanIn, k.t(), k.h(), k.w(), inPerGroup, outChannels));
        if (gateWeights != null) {
            gateWeights.add(wName);
        }
        macs += fanIn * outChannels * out.voxels();
        if (pendingLayerGate >= 0) {
            finishLayerGate(wName, fanIn * outChannels * out.voxels());
        }
        SDVariable w = sd.getVariable(wName);
        SDVariable y = groups == 1 ? sd.cnn().conv3d(var(x), w, GroupedConvolution.conv3dConfig(k, s, p))
                : GroupedConvolution.apply(sd, var(x), w, in, out, k, s, p, groups);
        return new SdTensor(y, out);
    }

    @Override
    public Tensor batchNorm(String name, Tensor x) {
        Shape shape = volume(x, "batchNorm " + name);
        long c = shape.channels();
        SDVariable gamma = sd.getVariable(param(name + ".gamma", () -> store.constant(1, 1, c, 1, 1, 1)));
        SDVariable beta = sd.getVariable(param(name + ".beta", () -> store.constant(0, 1, c, 1, 1, 1)));
        SDVariable in = var(x);
        if (variant.bn() == BnMode.BATCH) {
            SDVariable mean = in.mean(name + ".batchMean", true, 0, 2, 3, 4);
            SDVariable centred = in.sub(mean);
            SDVariable variance = centred.mul(centred).mean(name + ".batchVar", true, 0, 2, 3, 4);
            SDVariable scale = gamma.mul(sd.math().rsqrt(variance.add(BN_EPS)));
            batchNorms.add(name);
            store.state(name + ".runningMean", () -> store.constant(0, 1, c, 1, 1, 1));
            store.state(name + ".runningVar", () -> store.constant(1, 1, c, 1, 1, 1));
            return new SdTensor(centred.mul(scale).add(beta), shape);
        }
        SDVariable runningMean = sd.constant(name + ".runningMean",
                store.state(name + ".runningMean", () -> store.constant(0, 1, c, 1, 1, 1)));
        SDVariable runningVar = sd.constant(name + ".runningVar",
                store.state(name + ".runningVar", () -> store.constant(1, 1, c, 1, 1, 1)));
        SDVariable scale = gamma.mul(sd.math().rsqrt(runningVar.add(BN_EPS)));
        SDVariable shift = beta.sub(runningMean.mul(scale));
        return new SdTensor(in.mul(scale).add(shift), shape);
    }

    @Override
    public Tensor relu(Tensor x) {
        return new SdTensor(sd.nn().relu(var(x), 0), x.shape());
    }

    @Override
    public Tensor relu6(Tensor x) {
        return new SdTensor(sd.nn().relu6(var(x), 0), x.shape());
    }

    @Override
    public Tensor maxPool3d(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        return pool(x, k, s, p, Pooling3D.Pooling3DType.MAX);
    }

    @Override
    public Tensor avgPool3d(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        return pool(x, k, s, p, Pooling3D.Pooling3DType.AVG);
    }

    private Tensor pool(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p, Pooling3D.Pooling3DType type) {
        Shape in = volume(x, "pool");
        Shape out = Shape.volume(in.channels(), outSize(in.frames(), k.t(), s.t(), p.t()),
                outSize(in.height(), k.h(), s.h(), p.h()), outSize(in.width(), k.w(), s.w(), p.w()));
        if (k.volume() == 1 && s.volume() == 1) {
            return x;
        }
        Pooling3DConfig cfg = Pooling3DConfig.builder().kD(k.t()).kH(k.h()).kW(k.w()).sD(s.t()).sH(s.h()).sW(s.w())
                .pD(p.t()).pH(p.h()).pW(p.w()).dD(1).dH(1).dW(1).type(type).isSameMode(false).isNCDHW(true).build();
        SDVariable v = type == Pooling3D.Pooling3DType.MAX ? sd.cnn().maxPooling3d(var(x), cfg)
                : sd.cnn().avgPooling3d(var(x), cfg);
        return new SdTensor(v, out);
    }

    @Override
    public Tensor concat(List<Tensor> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat of nothing");
        }
        Shape first = volume(xs.get(0), "concat");
        int channels = 0;
        List<Integer> sources = new ArrayList<>();
        SDVariable[] vars = new SDVariable[xs.size()];
        for (int i = 0; i < xs.size(); i++) {
            Shape s = xs.get(i).shape();
            if (s.flat() != first.flat() || s.frames() != first.frames() || s.height() != first.height()
                    || s.width() != first.width()) {
                throw new IllegalArgumentException("concat of " + first + " and " + s);
            }
            channels += s.channels();
            vars[i] = var(xs.get(i));
            sources.addAll(((SdTensor) xs.get(i)).sources());
        }
        return new SdTensor(sd.concat(1, vars),
                new Shape(channels, first.frames(), first.height(), first.width(), first.flat()), List.copyOf(sources));
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("add of " + a.shape() + " and " + b.shape());
        }
        return new SdTensor(var(a).add(var(b)), a.shape());
    }

    @Override
    public Tensor globalAvgPool(Tensor x) {
        Shape in = volume(x, "globalAvgPool");
        return new SdTensor(var(x).mean(2, 3, 4), Shape.vector(in.channels()));
    }

    /**
     * A fusion position; see {@link FusionForm} for what wraps each path. Drop rates per source apply to the
     * forms gated on the path's input; {@link FusionForm#POST_ACTIVATION_RELU6} has one gate per path on its
     * output, because a masked input would still leave BN's shift in the output.
     */
    @Override
    public Tensor fusion(String name, Tensor x, int outChannels, FusionForm form) {
        Shape in = volume(x, "fusion " + name);
        BitSet present = variant.paths(name, paths.size());
        List<Integer> chunks = ((SdTensor) x).sources();
        boolean gatedOutput = form == FusionForm.POST_ACTIVATION_RELU6;
        boolean perSource = vdp.perSource() && variant.gates() != GateMode.NONE && chunks.size() > 1 && !gatedOutput;
        List<List<Integer>> pathGates = new ArrayList<>();
        List<List<Integer>> pathSources = new ArrayList<>();
        List<Boolean> pathsPresent = new ArrayList<>();
        SDVariable sum = null;
        for (int i = 0; i < paths.size(); i++) {
            pathsPresent.add(present.get(i));
            List<Integer> read = variant.fixed() == null ? null : variant.fixed().sources(name, i);
            pathSources.add(read == null || !present.get(i) ? List.of() : read);
            if (!present.get(i)) {
                pathGates.add(List.of());
                continue;
            }
            FusionPath path = paths.get(i);
            String scope = name + "." + path.unitName();
            Tensor h = form == FusionForm.PRE_ACTIVATION ? relu(batchNorm(scope + ".bn", x)) : x;
            long macsBefore = macs;
            List<Integer> gatesHere = new ArrayList<>();
            Tensor y;
            if (variant.gates() == GateMode.NONE) {
                Tensor input = read == null ? h : new SdTensor(var(h).mul(sd.constant(sourceMask(chunks, read, name))), h.shape());
                y = activatedOutput(form, scope, path.apply(this, scope, input, outChannels));
            } else if (!perSource) {
                int g = gates.size();
                String theta = param(scope + ".theta", () -> store.constant(vdp.thetaInit(), 1));
                gateWeights = new ArrayList<>();
                SDVariable mask = sd.reshape(gateMask(g, theta), -1, 1, 1, 1, 1);
                if (gatedOutput) {
                    Tensor activated = activatedOutput(form, scope, path.apply(this, scope, h, outChannels));
                    y = new SdTensor(var(activated).mul(mask), activated.shape());
                } else {
                    y = path.apply(this, scope, new SdTensor(var(h).mul(mask), h.shape()), outChannels);
                }
                gates.add(new GateInfo(g, name, i, path.unitName(), theta, List.copyOf(gateWeights), macs - macsBefore));
                gatesHere.add(g);
                if (variant.gates() == GateMode.RELAXED) {
                    regularisers.add(regulariser(theta, weightVars(gateWeights), 1));
                }
                gateWeights = null;
            } else {
                y = perSourcePath(name, i, path, scope, h, chunks, outChannels, gatesHere);
            }
            pathGates.add(gatesHere);
            if (!y.shape().equals(Shape.volume(outChannels, in.frames(), in.height(), in.width()))) {
                throw new IllegalStateException("fusion path '" + path.unitName() + "' at " + name + " returned "
                        + y.shape() + ", expected " + outChannels + " channels at the input's size");
            }
            sum = sum == null ? var(y) : sum.add(var(y));
        }
        if (sum == null) {
            // No path at this position: the sum of no paths is zero (the following layers still run).
            sum = var(x).mean(true, 1).mul(0).add(sd.constant(store.constant(0, 1, outChannels, 1, 1, 1)));
        }
        positions.add(new PositionInfo(positions.size(), name, in, outChannels, pathsPresent, pathGates, -1, true,
                pathSources));
        return new SdTensor(sum, Shape.volume(outChannels, in.frames(), in.height(), in.width()));
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
        int first = gates.size();
        List<String> thetas = new ArrayList<>();
        List<SDVariable> masks = new ArrayList<>();
        for (int j = 0; j < chunks.size(); j++) {
            String theta = param(scope + ".source" + j + ".theta", () -> store.constant(vdp.thetaInit(), 1));
            thetas.add(theta);
            SDVariable keep = sd.reshape(gateMask(first + j, theta), -1, 1);
            masks.add(keep.mul(sd.constant(store.constant(1, 1, chunks.get(j)))));
            gates.add(null); // reserved: filled in below once the path's weights are known
        }
        SDVariable mask = sd.concat(1, masks.toArray(SDVariable[]::new));
        int channels = h.shape().channels();
        long macsBefore = macs;
        gateWeights = new ArrayList<>();
        Tensor y = path.apply(this, scope, new SdTensor(var(h).mul(sd.reshape(mask, -1, channels, 1, 1, 1)), h.shape()),
                outChannels);
        List<String> weights = List.copyOf(gateWeights);
        gateWeights = null;
        long pathMacs = macs - macsBefore;
        int offset = 0;
        for (int j = 0; j < chunks.size(); j++) {
            int g = first + j;
            gates.set(g, new GateInfo(g, name, pathIndex, path.unitName(), thetas.get(j), weights,
                    pathMacs * chunks.get(j) / channels, j));
            gatesHere.add(g);
            if (variant.gates() == GateMode.RELAXED) {
                regularisers.add(regulariser(thetas.get(j), sourceSlice(weights, channels, offset, chunks.get(j)), 1));
            }
            offset += chunks.get(j);
        }
        return y;
    }

    /**
     * The weights a source gate's regulariser covers: the input-channel slice [offset, offset+count) of the
     * path's first convolution when it reads all input channels; the whole first weight otherwise.
     */
    private List<SDVariable> sourceSlice(List<String> weights, int channels, int offset, int count) {
        if (weights.isEmpty()) {
            return List.of();
        }
        SDVariable w = sd.getVariable(weights.get(0));
        long[] shape = w.getShape();
        if (shape == null || shape.length != 5 || shape[3] != channels) {
            return List.of(w);
        }
        return List.of(w.get(SDIndex.all(), SDIndex.all(), SDIndex.all(), SDIndex.interval(offset, offset + count),
                SDIndex.all()));
    }

    /** A constant [1, C, 1, 1, 1] 0/1 mask: 1 on the channels of the {@code read} sources. */
    private org.nd4j.linalg.api.ndarray.INDArray sourceMask(List<Integer> chunks, List<Integer> read, String position) {
        int channels = chunks.stream().mapToInt(Integer::intValue).sum();
        float[] m = new float[channels];
        int offset = 0;
        for (int j = 0; j < chunks.size(); j++) {
            if (read.contains(j)) {
                java.util.Arrays.fill(m, offset, offset + chunks.get(j), 1f);
            }
            offset += chunks.get(j);
        }
        for (int j : read) {
            if (j < 0 || j >= chunks.size()) {
                throw new IllegalArgumentException("position " + position + " has " + chunks.size() + " sources, no source " + j);
            }
        }
        return org.nd4j.linalg.factory.Nd4j.create(m, new long[] {1, channels, 1, 1, 1}, 'c').castTo(dt);
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
            return new SdTensor(var(x).mul(0.0), x.shape());
        }
        if (variant.gates() == GateMode.NONE || !vdp.layerGates()) {
            return x;
        }
        finishLayerGate();
        int g = gates.size();
        String theta = param(position + ".D1.theta", () -> store.constant(vdp.thetaInit(), 1));
        gates.add(new GateInfo(g, position, GateInfo.LAYER, "D1", theta, List.of(), 0));
        positions.set(at, positions.get(at).withLayerGate(g));
        pendingLayerGate = g;
        return new SdTensor(var(x).mul(sd.reshape(gateMask(g, theta), -1, 1, 1, 1, 1)), x.shape());
    }

    /** Gives the pending D1 gate the weights and MACs of the convolution it feeds (or none) and its regulariser. */
    private void finishLayerGate(String weight, long convMacs) {
        GateInfo g = gates.get(pendingLayerGate);
        List<String> weights = weight == null ? List.of() : List.of(weight);
        gates.set(pendingLayerGate, new GateInfo(g.index(), g.position(), GateInfo.LAYER, "D1", g.thetaName(), weights,
                convMacs));
        if (variant.gates() == GateMode.RELAXED) {
            regularisers.add(regulariser(g.thetaName(), weightVars(weights), 1));
        }
        pendingLayerGate = -1;
    }

    private void finishLayerGate() {
        if (pendingLayerGate >= 0) {
            finishLayerGate(null, 0);
        }
    }

    @Override
    public Tensor classifier(String name, Tensor features, int classes) {
        Shape in = features.shape();
        if (!in.flat()) {
            throw new IllegalArgumentException("classifier " + name + " needs a feature vector, got " + in);
        }
        int c = in.channels();
        String w = param(name + ".weight", () -> store.uniform(1 / Math.sqrt(c), c, classes));
        String b = param(name + ".bias", () -> store.constant(0, 1, classes));
        SDVariable x = var(features);
        classifierFeatures = c;
        if (variant.gates() != GateMode.NONE) {
            classifierTheta = param(name + ".theta", () -> store.constant(vdp.thetaInit(), 1));
            if (variant.gates() == GateMode.RELAXED) {
                SDVariable noise = sd.placeHolder(FC_NOISE, dt, -1, c);
                x = x.mul(keep(sd.getVariable(classifierTheta), noise));
                regularisers.add(regulariser(classifierTheta, weightVars(List.of(w)), c));
            } else {
                x = x.mul(sd.placeHolder(FC_KEEP, dt, 1, c));
            }
        }
        macs += (long) c * classes;
        return new SdTensor(x.mmul(sd.getVariable(w)).add(sd.getVariable(b)), Shape.vector(classes));
    }

    // ---- v-DropPath ----

    /**
     * Gate {@code g}'s keep value, one scalar per sample: relaxed Bernoulli in training, 0/1 in HARD graphs.
     * Callers broadcast it over C, T, H, W (DropPath, not channel dropout), or over one source's channels.
     */
    private SDVariable gateMask(int g, String theta) {
        if (variant.gates() == GateMode.RELAXED) {
            return keep(sd.getVariable(theta), pathNoise.get(SDIndex.all(), SDIndex.point(g)));
        }
        return pathKeep.get(SDIndex.all(), SDIndex.point(g));
    }

    /** keep = 1 - sigmoid((θ + L) / τ), L logistic noise: the relaxed Bernoulli of spec §2.2 (θ = logit p). */
    private SDVariable keep(SDVariable theta, SDVariable logisticNoise) {
        return sd.math().rsub(sd.nn().sigmoid(logisticNoise.add(theta).div(vdp.temperature())), 1.0);
    }

    /**
     * The KL term of one gated module in the configured form (see {@link VdpSettings.Regulariser}); ln p is
     * computed as logsigmoid(θ), so it cannot produce NaN.
     */
    private SDVariable regulariser(String thetaName, List<SDVariable> weights, int entropyCount) {
        SDVariable theta = sd.getVariable(thetaName);
        SDVariable p = sd.nn().sigmoid(theta);
        SDVariable sqSum = null;
        for (SDVariable w : weights) {
            SDVariable s = sd.math().square(w).sum();
            sqSum = sqSum == null ? s : sqSum.add(s);
        }
        if (sqSum == null) {
            sqSum = sd.constant(org.nd4j.linalg.factory.Nd4j.scalar(dt, 0));
        }
        double n = vdp.trainingSize();
        double k = vdp.lengthScale();
        boolean code = vdp.form() == VdpSettings.Regulariser.CODE;
        SDVariable weightTerm = sd.math().rsub(p, 1.0).mul(sqSum).mul(code ? k / n : k * k / (2 * n));
        SDVariable entropy = p.mul(sd.nn().logSigmoid(theta));
        if (code) {
            entropy = entropy.add(sd.math().rsub(p, 1.0).mul(sd.nn().logSigmoid(theta.neg())));
        }
        return weightTerm.add(entropy.mul(entropyCount / n)).sum();
    }

    // ---- helpers ----

    private String param(String name, java.util.function.Supplier<org.nd4j.linalg.api.ndarray.INDArray> create) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
        }
        sd.var(name, store.trainable(name, create));
        usedTrainable.add(name);
        return name;
    }

    private List<SDVariable> weightVars(List<String> names) {
        return names.stream().map(sd::getVariable).toList();
    }

    private SDVariable sum(List<SDVariable> terms) {
        SDVariable total = terms.get(0);
        for (int i = 1; i < terms.size(); i++) {
            total = total.add(terms.get(i));
        }
        return total;
    }

    private static int outSize(int in, int k, int s, int p) {
        return (in + 2 * p - k) / s + 1;
    }

    private static Shape volume(Tensor x, String op) {
        if (x.shape().flat()) {
            throw new IllegalArgumentException(op + " needs a C x T x H x W volume, got " + x.shape());
        }
        return x.shape();
    }

    private SDVariable var(Tensor t) {
        if (!(t instanceof SdTensor s) || s.var().getSameDiff() != sd) {
            throw new IllegalArgumentException("tensor " + t.shape() + " was not made by this builder");
        }
        return s.var();
    }

    /**
     * A tensor of this graph; {@code sources} are the channel counts of the inputs a concatenation joined
     * (one entry for anything else), so that drop rates can be learnt per source.
     */
    private record SdTensor(SDVariable var, Shape shape, List<Integer> sources) implements Tensor {
        SdTensor(SDVariable var, Shape shape) {
            this(var, shape, List.of(shape.channels()));
        }
    }
}
