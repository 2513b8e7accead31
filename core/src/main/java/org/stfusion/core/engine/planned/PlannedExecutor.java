package org.stfusion.core.engine.planned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.RunningStatistics;
import org.stfusion.core.engine.kernels.BatchNormKernels;
import org.stfusion.core.engine.kernels.ElementwiseKernels;
import org.stfusion.core.engine.kernels.NativeOps;

/**
 * The fast engine: runs a {@link NetworkGraph} as a fixed plan of ND4J native kernels (oneDNN convolutions and
 * pooling, matmul) and Java kernels (batch norm with its ReLU and DropPath gate fused, statistics shared by the
 * paths that read the same input), over buffers allocated once for the largest batch seen and reused by every
 * call: values, gradients and the parameters' gradients. A DenseNet block lives in one buffer, so concatenation
 * costs nothing; in evaluation with hard masks, a dropped path is skipped rather than multiplied by zero. The
 * backward passes are written by hand and checked against {@link org.stfusion.core.engine.samediff.SameDiffExecutor}.
 */
public final class PlannedExecutor implements GraphExecutor {
    private final NetworkGraph graph;
    private final ParameterStore store;
    private final Layout layout;
    private final DataType dt;
    private final boolean training;
    private final Scratch scratch;
    /** The input node each batch norm normalises, by batch-norm name. */
    private final Map<String, Integer> bnInput = new HashMap<>();
    /** For each input node, the fused units normalising it (they share its statistics and their backward). */
    private final Map<Integer, List<Layout.BnUnit>> unitsByInput = new HashMap<>();
    private final Map<String, INDArray> paramGrads = new LinkedHashMap<>();
    private int capacity;
    private INDArray[] valueBuffers;
    private INDArray[] gradBuffers;
    /** Per BN input node: batch mean and biased variance [C], and whether this pass computed them yet. */
    private final Map<Integer, INDArray[]> statistics = new HashMap<>();
    private final java.util.Set<Integer> fresh = new java.util.HashSet<>();
    /** Per concatenation buffer: statistics of all its channels, and which this pass has computed. */
    private final Map<Integer, INDArray[]> bufferStatistics = new HashMap<>();
    private final Map<Integer, boolean[]> statisticsDone = new HashMap<>();
    private final Map<Integer, INDArray> unitScales = new HashMap<>();
    private final Map<Integer, INDArray> unitScaleGrads = new HashMap<>();

    public PlannedExecutor(NetworkGraph graph, ParameterStore store) {
        this.graph = graph;
        this.store = store;
        this.dt = store.dataType();
        this.training = graph.hasLoss();
        this.layout = new Layout(graph, training);
        this.scratch = new Scratch(dt);
        for (Node node : graph.nodes()) {
            if (node.op() instanceof Op.BatchNorm bn) {
                bnInput.put(bn.name(), node.input());
            }
        }
        for (Layout.BnUnit unit : layout.units) {
            unitsByInput.computeIfAbsent(graph.node(unit.bn()).input(), k -> new ArrayList<>()).add(unit);
        }
        if (training) {
            for (String name : graph.trainableNames()) {
                INDArray p = store.trainable().get(name);
                paramGrads.put(name, Nd4j.createUninitialized(p.dataType(), p.shape()));
            }
        }
    }

    // ---- GraphExecutor ----

    @Override
    public Step trainStep(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        if (!training) {
            throw new IllegalArgumentException("graph has no loss (evaluation graph)");
        }
        Run run = forward(clips, gateInputs, false);
        INDArray logits = run.value[graph.logits()];
        INDArray dLogits = scratch.like(Scratch.Role.GRAD_OUTPUT, logits);
        double ce = NativeOps.softmaxCrossEntropy(logits, oneHot, dLogits);
        backward(run, dLogits);
        double reg = Regularisers.apply(graph, store, paramGrads);
        long n = clips.length() / clips.size(1);
        for (String bn : graph.batchNorms()) {
            INDArray[] stats = statistics.get(bnInput.get(bn));
            RunningStatistics.update(store, bn, stats[0], stats[1], n);
        }
        return new Step(ce + reg, ce, reg, logits.dup(), paramGrads);
    }

    @Override
    public double[] lossTerms(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        Run run = forward(clips, gateInputs, false);
        INDArray logits = run.value[graph.logits()];
        double ce = NativeOps.softmaxCrossEntropy(logits, oneHot, scratch.like(Scratch.Role.GRAD_OUTPUT, logits));
        double reg = graph.hasLoss() ? Regularisers.apply(graph, store, null) : 0;
        return new double[] {ce + reg, ce, reg};
    }

    @Override
    public INDArray logits(INDArray clips, Map<String, INDArray> gateInputs) {
        return forward(clips, gateInputs, graph.variant().bn() == BnMode.RUNNING).value[graph.logits()].dup();
    }

    @Override
    public Map<String, INDArray[]> batchStatistics(INDArray clips, Map<String, INDArray> gateInputs) {
        if (graph.variant().bn() != BnMode.BATCH) {
            throw new IllegalArgumentException("graph normalises with running statistics");
        }
        forward(clips, gateInputs, false);
        Map<String, INDArray[]> out = new LinkedHashMap<>();
        for (String bn : graph.batchNorms()) {
            INDArray[] stats = statistics.get(bnInput.get(bn));
            long c = stats[0].length();
            out.put(bn, new INDArray[] {stats[0].reshape(1, c, 1, 1, 1).dup(), stats[1].reshape(1, c, 1, 1, 1).dup()});
        }
        return out;
    }

    // ---- sharing the ungated prefix between strategies ----

    private boolean skipping = true;
    private PrefixCache prefix;
    private long prefixReuses;

    /** How many forward passes restored a shared prefix instead of computing it (a diagnostic). */
    public long prefixReuses() {
        return prefixReuses;
    }

    /**
     * Whether evaluation with hard masks skips the paths every one of whose gates is 0 (the default) or runs them
     * and multiplies by zero, as a network without this engine's planning would; for measuring what skipping saves.
     */
    public void skipDroppedPaths(boolean skip) {
        this.skipping = skip;
    }

    @Override
    public Sharing shareUngatedPrefix(long budgetBytes) {
        if (graph.variant().bn() != BnMode.RUNNING) {
            return () -> { };
        }
        prefix = new PrefixCache(graph, layout, budgetBytes);
        return () -> prefix = null;
    }

    // ---- buffers ----

    /** Buffers for at least {@code batch} samples: allocated on the first call and when a larger batch comes. */
    private void ensureCapacity(int batch) {
        if (batch <= capacity) {
            return;
        }
        capacity = batch;
        valueBuffers = layout.valueBuffers.stream().map(b -> Views.allocate(dt, batch, b.shape())).toArray(INDArray[]::new);
        gradBuffers = layout.gradBuffers.stream().map(b -> Views.allocate(dt, batch, b.shape())).toArray(INDArray[]::new);
        unitScales.clear();
        unitScaleGrads.clear();
        for (Layout.BnUnit unit : layout.units) {
            if (unit.hasGate()) {
                int c = graph.node(unit.bn()).shape().channels();
                unitScales.put(unit.bn(), Nd4j.createUninitialized(dt, batch, c));
                unitScaleGrads.put(unit.bn(), Nd4j.createUninitialized(dt, batch, c));
            }
        }
    }

    /** One call's views (batch {@code b}), gate values, and which gradients hold something already. */
    private final class Run {
        final int b;
        final INDArray[] value;
        final INDArray[] grad;
        final boolean[] written;
        final boolean[] skipped;
        final Gates gates;

        Run(int b, Gates gates) {
            this.b = b;
            this.gates = gates;
            int n = graph.nodes().size();
            value = new INDArray[n];
            grad = new INDArray[n];
            written = new boolean[n];
            skipped = new boolean[n];
            for (Node node : graph.nodes()) {
                Layout.Slot v = layout.values[node.id()];
                if (v != null) {
                    value[node.id()] = Views.view(valueBuffers[v.buffer()], b, v.offset(), node.shape().channels());
                }
                Layout.Slot g = layout.grads[node.id()];
                if (g != null) {
                    grad[node.id()] = Views.view(gradBuffers[g.buffer()], b, g.offset(), node.shape().channels());
                }
            }
        }
    }

    // ---- forward ----

    private Run forward(INDArray clips, Map<String, INDArray> gateInputs, boolean skipDropped) {
        int b = (int) clips.size(0);
        ensureCapacity(b);
        Run run = new Run(b, new Gates(graph, store, gateInputs, b));
        if (skipDropped && skipping && graph.variant().gates() == GateMode.HARD) {
            for (NetworkGraph.PathRegion region : graph.paths()) {
                if (region.gates().stream().allMatch(run.gates::hardDropped)) {
                    Arrays.fill(run.skipped, region.first(), region.last() + 1, true);
                }
            }
        }
        fresh.clear();
        statisticsDone.values().forEach(done -> Arrays.fill(done, false));
        boolean restored = prefix != null && prefix.restore(clips, run.value);
        if (restored) {
            prefixReuses++;
        }
        boolean stored = restored;
        for (Node node : graph.nodes()) {
            if (prefix != null && !stored && prefix.complete(node.id())) {
                prefix.store(clips, run.value);
                stored = true;
            }
            if (run.skipped[node.id()] || restored && prefix.covers(node.id())) {
                continue;
            }
            long t = OpTimes.start();
            forward(run, node, clips);
            OpTimes.stop(kind(node) + " forward", t);
        }
        return run;
    }

    private void forward(Run run, Node node, INDArray clips) {
        int id = node.id();
        Op op = node.op();
        INDArray x = node.inputs().isEmpty() ? null : run.value[node.input()];
        if (op instanceof Op.Input) {
            run.value[id] = clips;
        } else if (op instanceof Op.Conv c) {
            Convolutions.forward(c, x, store.trainable().get(c.weight()), run.value[id], scratch);
        } else if (op instanceof Op.BatchNorm) {
            normalize(run, layout.units.get(layout.unitOf[id]));
        } else if (layout.isFusedAway(id) || layout.unitOf[id] >= 0) {
            return; // computed by its unit's batch norm
        } else if (op instanceof Op.Relu) {
            Elementwise.relu(x, run.value[id]);
        } else if (op instanceof Op.Relu6) {
            Elementwise.relu6(x, run.value[id]);
        } else if (op instanceof Op.Pool p) {
            Pools.forward(p, x, run.value[id], scratch);
        } else if (op instanceof Op.Concat) {
            concat(run, node);
        } else if (op instanceof Op.Sum) {
            sum(run, node);
        } else if (op instanceof Op.GlobalAvgPool) {
            Elementwise.globalAvgPool(x, run.value[id]);
        } else if (op instanceof Op.Gate g) {
            gate(run, node, g, x);
        } else if (op instanceof Op.ChannelMask m) {
            Elementwise.mulChannels(x, Elementwise.mask(m, dt), run.value[id]);
        } else if (op instanceof Op.Zeros) {
            run.value[id].assign(0);
        } else if (op instanceof Op.FeatureGate) {
            INDArray scale = scratch.get(Scratch.Role.WEIGHT, run.b, node.shape().channels());
            run.gates.fillFeatureScale(scale);
            Elementwise.mulChannels(x, scale, run.value[id]);
        } else if (op instanceof Op.Linear l) {
            NativeOps.linear(x, store.trainable().get(l.weight()), store.trainable().get(l.bias()), run.value[id]);
        } else {
            throw new IllegalArgumentException("no planned form for " + op);
        }
    }

    /** BN [-> ReLU] [-> gate] as one kernel, with the input's batch statistics computed once per pass. */
    private void normalize(Run run, Layout.BnUnit unit) {
        Node bn = graph.node(unit.bn());
        String name = ((Op.BatchNorm) bn.op()).name();
        INDArray x = run.value[bn.input()];
        INDArray[] stats = graph.variant().bn() == BnMode.BATCH ? statistics(bn.input(), x)
                : new INDArray[] {vector(store.state().get(name + ".runningMean")), vector(store.state().get(name + ".runningVar"))};
        INDArray scale = null;
        if (unit.hasGate()) {
            Op.Gate gate = (Op.Gate) graph.node(unit.gate()).op();
            if (!gate.gates().stream().allMatch(run.gates::hardKept)) {
                scale = Views.view(unitScales.get(unit.bn()), run.b, 0, bn.shape().channels());
                run.gates.fillScale(scale, gate.gates(), gate.channels());
            }
        }
        BatchNormKernels.normalize(x, stats[0], stats[1], vector(store.trainable().get(name + ".gamma")),
                vector(store.trainable().get(name + ".beta")), RunningStatistics.EPS, unit.relu() >= 0, scale,
                run.value[unit.output()]);
    }

    /**
     * The batch mean and biased variance of {@code input}'s channels for this pass. Inside a concatenation's buffer
     * (a DenseNet block) each channel's statistics are computed once per pass and shared by every later layer that
     * reads it, so a block costs one statistics pass over its channels instead of one per layer.
     */
    private INDArray[] statistics(int input, INDArray x) {
        Layout.Slot slot = layout.values[input];
        if (slot != null && layout.concatBuffers.contains(slot.buffer())) {
            int from = slot.offset();
            int to = from + (int) x.size(1);
            INDArray[] all = bufferStatistics.computeIfAbsent(slot.buffer(), b -> {
                long c = layout.valueBuffers.get(b).shape().channels();
                return new INDArray[] {Nd4j.createUninitialized(dt, c), Nd4j.createUninitialized(dt, c)};
            });
            boolean[] done = statisticsDone.computeIfAbsent(slot.buffer(), b -> new boolean[(int) all[0].length()]);
            int c = from;
            while (c < to) {
                if (done[c]) {
                    c++;
                    continue;
                }
                int end = c;
                while (end < to && !done[end]) {
                    done[end++] = true;
                }
                BatchNormKernels.statistics(Views.view(x, (int) x.size(0), c - from, end - c),
                        all[0].get(NDArrayIndex.interval(c, end)), all[1].get(NDArrayIndex.interval(c, end)));
                c = end;
            }
            INDArray[] s = new INDArray[] {all[0].get(NDArrayIndex.interval(from, to)), all[1].get(NDArrayIndex.interval(from, to))};
            statistics.put(input, s);
            return s;
        }
        INDArray[] s = statistics.computeIfAbsent(input, k -> new INDArray[] {
            Nd4j.createUninitialized(dt, x.size(1)), Nd4j.createUninitialized(dt, x.size(1))});
        if (fresh.add(input)) {
            BatchNormKernels.statistics(x, s[0], s[1]);
        }
        return s;
    }

    private void concat(Run run, Node node) {
        Layout.Slot slot = layout.values[node.id()];
        int offset = 0;
        for (int in : node.inputs()) {
            int channels = graph.node(in).shape().channels();
            if (!aliasedInto(in, slot, offset)) {
                Views.view(run.value[node.id()], run.b, offset, channels).assign(run.value[in]);
            }
            offset += channels;
        }
    }

    private boolean aliasedInto(int input, Layout.Slot concat, int offset) {
        Layout.Slot s = layout.values[input];
        return s != null && s.buffer() == concat.buffer() && s.offset() == concat.offset() + offset;
    }

    /** In training the first input is already in the sum's buffer; in evaluation dropped paths are left out. */
    private void sum(Run run, Node node) {
        int id = node.id();
        List<Integer> present = node.inputs().stream().filter(i -> !run.skipped[i]).toList();
        if (present.isEmpty()) {
            run.value[id].assign(0);
            return;
        }
        int first = present.get(0);
        if (!layout.sumAliased[first] || first != node.input()) {
            run.value[id].assign(run.value[first]);
        }
        for (int i = 1; i < present.size(); i++) {
            ElementwiseKernels.addInPlace(run.value[id], run.value[present.get(i)]);
        }
    }

    private void gate(Run run, Node node, Op.Gate g, INDArray x) {
        if (g.gates().stream().allMatch(run.gates::hardKept)) {
            run.value[node.id()].assign(x);
            return;
        }
        INDArray scale = scratch.get(Scratch.Role.WEIGHT, run.b, node.shape().channels());
        run.gates.fillScale(scale, g.gates(), g.channels());
        Elementwise.mulChannels(x, scale, run.value[node.id()]);
    }

    // ---- backward ----

    private void backward(Run run, INDArray dLogits) {
        for (int buffer : layout.sharedGradBuffers) {
            gradBuffers[buffer].assign(0);
        }
        for (Node node : graph.nodes()) {
            Layout.Slot g = layout.grads[node.id()];
            if (g != null && layout.isShared(g)) {
                run.written[node.id()] = true;
            }
        }
        run.grad[graph.logits()].assign(dLogits);
        run.written[graph.logits()] = true;
        boolean[] paramWritten = new boolean[graph.trainableNames().size()];
        Map<String, Integer> paramIndex = new HashMap<>();
        for (int i = 0; i < graph.trainableNames().size(); i++) {
            paramIndex.put(graph.trainableNames().get(i), i);
        }
        List<Node> nodes = graph.nodes();
        for (int id = nodes.size() - 1; id >= 0; id--) {
            Node node = nodes.get(id);
            Op op = node.op();
            if (op instanceof Op.Input || layout.isFusedAway(id) && !(op instanceof Op.BatchNorm)) {
                continue;
            }
            if (layout.unitOf[id] >= 0 && !(op instanceof Op.BatchNorm)) {
                continue; // a unit's output: its batch norm runs the unit's backward
            }
            long t = OpTimes.start();
            backward(run, node, paramWritten, paramIndex);
            OpTimes.stop(kind(node) + " backward", t);
        }
        long t = OpTimes.start();
        thetaGradients(run, paramWritten, paramIndex);
        for (int i = 0; i < paramWritten.length; i++) {
            if (!paramWritten[i]) {
                paramGrads.get(graph.trainableNames().get(i)).assign(0);
            }
        }
        OpTimes.stop("gate gradients", t);
    }

    private String kind(Node node) {
        if (node.op() instanceof Op.Conv c) {
            return (c.groups() > 1 ? "GroupedConv " : "Conv ") + c.kernel() + " " + graph.node(node.input()).shape().channels()
                    + ">" + node.shape().channels() + " @" + node.shape().height();
        }
        return node.op().getClass().getSimpleName();
    }

    private void backward(Run run, Node node, boolean[] paramWritten, Map<String, Integer> paramIndex) {
        int id = node.id();
        Op op = node.op();
        if (op instanceof Op.BatchNorm) {
            normalizeBackward(run, layout.units.get(layout.unitOf[id]), paramWritten, paramIndex);
            return;
        }
        INDArray dy = gradOf(run, id);
        INDArray x = node.inputs().isEmpty() ? null : run.value[node.input()];
        if (op instanceof Op.Conv c) {
            INDArray gw = paramGrads.get(c.weight());
            int in = node.input();
            boolean direct = run.grad[in] != null && !run.written[in];
            INDArray gx = direct ? run.grad[in] : null;
            INDArray dx = Convolutions.backward(c, x, store.trainable().get(c.weight()), dy, gx, gw, scratch);
            if (dx == run.grad[in]) {
                run.written[in] = true;
            } else {
                addTo(run, in, dx);
            }
            paramWritten[paramIndex.get(c.weight())] = true;
        } else if (op instanceof Op.Relu) {
            INDArray dx = scratch.like(Scratch.Role.GRAD_INPUT, dy);
            dx.assign(dy);
            ElementwiseKernels.reluBackward(x, dx); // the input, not the output: a sum may have reused that
            addTo(run, node.input(), dx);
        } else if (op instanceof Op.Relu6) {
            addTo(run, node.input(), Elementwise.relu6Backward(x, dy, scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.Pool p) {
            addTo(run, node.input(), Pools.backward(p, x, dy, scratch.like(Scratch.Role.GRAD_INPUT, x)));
        } else if (op instanceof Op.Concat) {
            Layout.Slot slot = layout.values[id];
            int offset = 0;
            for (int in : node.inputs()) {
                int channels = graph.node(in).shape().channels();
                if (!aliasedInto(in, slot, offset)) {
                    addTo(run, in, Views.view(dy, run.b, offset, channels));
                }
                offset += channels;
            }
        } else if (op instanceof Op.Sum) {
            for (int in : node.inputs()) {
                if (layout.sharesGradWith(in, id)) {
                    run.written[in] = true;
                } else {
                    addTo(run, in, dy);
                }
            }
        } else if (op instanceof Op.GlobalAvgPool) {
            addTo(run, node.input(), Elementwise.globalAvgPoolBackward(dy, scratch.like(Scratch.Role.GRAD_INPUT, x)));
        } else if (op instanceof Op.Gate g) {
            INDArray scale = scratch.get(Scratch.Role.WEIGHT, run.b, node.shape().channels());
            run.gates.fillScale(scale, g.gates(), g.channels());
            INDArray dScale = Elementwise.channelDot(dy, x, scratch.get(Scratch.Role.GRAD_WEIGHT, run.b, node.shape().channels()));
            run.gates.addScaleGradient(dScale, g.gates(), g.channels());
            addTo(run, node.input(), Elementwise.mulChannels(dy, scale, scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.ChannelMask m) {
            addTo(run, node.input(), Elementwise.mulChannels(dy, Elementwise.mask(m, dt), scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.Zeros) {
            return;
        } else if (op instanceof Op.FeatureGate) {
            INDArray scale = scratch.get(Scratch.Role.WEIGHT, run.b, node.shape().channels());
            run.gates.fillFeatureScale(scale);
            run.gates.addFeatureScaleGradient(dy.mul(x));
            addTo(run, node.input(), Elementwise.mulChannels(dy, scale, scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.Linear l) {
            INDArray dx = scratch.like(Scratch.Role.GRAD_INPUT, x);
            NativeOps.linearBackward(x, store.trainable().get(l.weight()), dy, dx, paramGrads.get(l.weight()),
                    paramGrads.get(l.bias()).reshape(-1));
            paramWritten[paramIndex.get(l.weight())] = true;
            paramWritten[paramIndex.get(l.bias())] = true;
            addTo(run, node.input(), dx);
        } else {
            throw new IllegalArgumentException("no planned backward for " + op);
        }
    }

    /** The gradient flowing into node {@code id}; zero if nothing after it used it. */
    private INDArray gradOf(Run run, int id) {
        if (!run.written[id]) {
            run.grad[id].assign(0);
            run.written[id] = true;
        }
        return run.grad[id];
    }

    /** grad[input] += dx, or = dx if nothing was written there yet. */
    private void addTo(Run run, int input, INDArray dx) {
        if (run.grad[input] == null) {
            return;
        }
        if (run.written[input]) {
            ElementwiseKernels.addInPlace(run.grad[input], dx);
        } else {
            run.grad[input].assign(dx);
            run.written[input] = true;
        }
    }

    /**
     * The backward of every fused unit normalising one input, in one pass over it: run at the unit with the
     * lowest id, when the gradients of all of them are complete.
     */
    private void normalizeBackward(Run run, Layout.BnUnit unit, boolean[] paramWritten, Map<String, Integer> paramIndex) {
        int input = graph.node(unit.bn()).input();
        List<Layout.BnUnit> group = unitsByInput.get(input);
        if (group.get(0).bn() != unit.bn()) {
            return; // runs with the group's first unit
        }
        INDArray x = run.value[input];
        INDArray[] stats = statistics.get(input);
        BatchNormKernels.Branch[] branches = new BatchNormKernels.Branch[group.size()];
        for (int i = 0; i < group.size(); i++) {
            Layout.BnUnit u = group.get(i);
            String name = ((Op.BatchNorm) graph.node(u.bn()).op()).name();
            INDArray scale = null;
            INDArray dScale = null;
            if (u.hasGate()) {
                Op.Gate gate = (Op.Gate) graph.node(u.gate()).op();
                scale = Views.view(unitScales.get(u.bn()), run.b, 0, (int) x.size(1));
                run.gates.fillScale(scale, gate.gates(), gate.channels());
                dScale = Views.view(unitScaleGrads.get(u.bn()), run.b, 0, (int) x.size(1));
            }
            branches[i] = new BatchNormKernels.Branch(vector(store.trainable().get(name + ".gamma")),
                    vector(store.trainable().get(name + ".beta")), u.relu() >= 0, scale, gradOf(run, u.output()),
                    vector(paramGrads.get(name + ".gamma")), vector(paramGrads.get(name + ".beta")), dScale);
            paramWritten[paramIndex.get(name + ".gamma")] = true;
            paramWritten[paramIndex.get(name + ".beta")] = true;
        }
        INDArray dx = run.grad[input];
        if (dx != null) {
            BatchNormKernels.backward(x, stats[0], stats[1], RunningStatistics.EPS, dx, run.written[input], branches);
            run.written[input] = true;
        } else {
            BatchNormKernels.backward(x, stats[0], stats[1], RunningStatistics.EPS,
                    scratch.like(Scratch.Role.GRAD_INPUT, x), false, branches);
        }
        for (int i = 0; i < group.size(); i++) {
            Layout.BnUnit u = group.get(i);
            if (u.hasGate()) {
                Op.Gate gate = (Op.Gate) graph.node(u.gate()).op();
                run.gates.addScaleGradient(branches[i].dScale(), gate.gates(), gate.channels());
            }
        }
    }

    private void thetaGradients(Run run, boolean[] paramWritten, Map<String, Integer> paramIndex) {
        if (graph.variant().gates() != GateMode.RELAXED) {
            return;
        }
        for (int g = 0; g < graph.gates().size(); g++) {
            String theta = graph.gates().get(g).thetaName();
            paramGrads.get(theta).putScalar(0, run.gates.thetaGradient(g));
            paramWritten[paramIndex.get(theta)] = true;
        }
        if (graph.classifierTheta() != null) {
            paramGrads.get(graph.classifierTheta()).putScalar(0, run.gates.featureThetaGradient());
            paramWritten[paramIndex.get(graph.classifierTheta())] = true;
        }
    }

    /** A per-channel [1, C, 1, 1, 1] array as the [C] vector the kernels take (a view, not a copy). */
    private static INDArray vector(INDArray a) {
        return a.reshape(a.length());
    }
}
