package org.stfusion.core.engine.planned;

import java.util.ArrayList;
import java.util.Arrays;
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
    private final Normalization normalization;
    private final ParameterGradients paramGrads;
    private final PassSharing sharing;
    private final Buffers buffers;

    public PlannedExecutor(NetworkGraph graph, ParameterStore store) {
        this.graph = graph;
        this.store = store;
        this.dt = store.dataType();
        this.training = graph.hasLoss();
        this.layout = new Layout(graph, training);
        this.scratch = new Scratch(dt);
        this.normalization = new Normalization(graph, store, layout, scratch);
        this.paramGrads = training ? new ParameterGradients(graph.trainableNames(), store) : null;
        this.sharing = new PassSharing(graph, layout, store);
        this.buffers = new Buffers(graph, layout, dt);
    }

    // ---- GraphExecutor ----

    @Override
    public Step trainStep(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        if (!training) {
            throw new IllegalArgumentException("graph has no loss (evaluation graph)");
        }
        Pass run = forward(clips, gateInputs, false);
        INDArray logits = run.value[graph.logits()];
        INDArray dLogits = scratch.like(Scratch.Role.GRAD_OUTPUT, logits);
        double ce = NativeOps.softmaxCrossEntropy(logits, oneHot, dLogits);
        backward(run, dLogits);
        double reg = Regularisers.apply(graph, store, paramGrads.all());
        for (String bn : graph.batchNorms()) {
            INDArray[] stats = normalization.batchStatistics(bn);
            RunningStatistics.update(store, bn, stats[0], stats[1], clips.size(0) * graph.batchNormVoxels(bn));
        }
        return new Step(ce + reg, ce, reg, logits.dup(), paramGrads.all());
    }

    @Override
    public double[] lossTerms(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        Pass run = forward(clips, gateInputs, false);
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
        Pass run = forward(clips, gateInputs, true);
        Map<String, INDArray[]> out = new LinkedHashMap<>();
        for (Node node : graph.nodes()) {
            if (!(node.op() instanceof Op.BatchNorm norm) || run.skipped[node.id()]) {
                continue;
            }
            String bn = norm.name();
            INDArray[] restored = sharing.restoredStatistics(bn);
            INDArray[] stats = restored != null ? restored : normalization.batchStatistics(bn);
            long c = stats[0].length();
            out.put(bn, new INDArray[] {stats[0].reshape(1, c, 1, 1, 1).dup(), stats[1].reshape(1, c, 1, 1, 1).dup()});
        }
        return out;
    }

    // ---- sharing between strategies ----

    private boolean skipping = true;

    /** How many forward passes restored a shared prefix instead of computing it (a diagnostic). */
    public long prefixReuses() {
        return sharing.prefixReuses();
    }

    /** How many forward passes resumed at a kept fusion-position boundary (a diagnostic). */
    public long boundaryReuses() {
        return sharing.boundaryReuses();
    }

    /**
     * Whether evaluation with hard masks skips the paths every one of whose gates is 0 (the default) or runs them
     * and multiplies by zero, as a network without this engine's planning would; for measuring what skipping saves.
     */
    public void skipDroppedPaths(boolean skip) {
        this.skipping = skip;
    }

    @Override
    public Sharing shareBetweenStrategies(long budgetBytes) {
        return sharing.betweenStrategies(budgetBytes);
    }

    @Override
    public Sharing shareUngatedPrefix(long budgetBytes) {
        return sharing.ungatedPrefix(budgetBytes);
    }

    // ---- buffers ----

    private void ensureCapacity(int batch) {
        if (buffers.ensureCapacity(batch)) {
            normalization.allocate(batch);
        }
    }

    // ---- forward ----

    private Pass forward(INDArray clips, Map<String, INDArray> gateInputs, boolean skipDropped) {
        int b = (int) clips.size(0);
        ensureCapacity(b);
        Pass run = buffers.pass(b, new Gates(graph, store, gateInputs, b));
        if (skipDropped && skipping && graph.variant().gates() == GateMode.HARD) {
            for (NetworkGraph.PathRegion region : graph.paths()) {
                if (region.gates().stream().allMatch(run.gates::hardDropped)) {
                    Arrays.fill(run.skipped, region.first(), region.last() + 1, true);
                }
            }
        }
        normalization.beginPass();
        sharing.begin(clips, run, skipDropped);
        for (Node node : graph.nodes()) {
            if (!run.skipped[node.id()] && !sharing.restored(node, clips, run)) {
                long t = OpTimes.start();
                forward(run, node, clips);
                OpTimes.stop(graph, node, " forward", t);
            }
            sharing.passed(node.id(), clips, run, normalization::batchStatistics);
        }
        return run;
    }

    private void forward(Pass run, Node node, INDArray clips) {
        int id = node.id();
        Op op = node.op();
        INDArray x = node.inputs().isEmpty() ? null : run.value[node.input()];
        if (op instanceof Op.Input) {
            run.value[id] = clips;
        } else if (op instanceof Op.Conv c) {
            Convolutions.forward(c, x, store.trainable().get(c.weight()), run.value[id], Sums.addsInto(layout, run, id),
                    scratch);
        } else if (op instanceof Op.BatchNorm) {
            normalization.forward(run, layout.units.get(layout.unitOf[id]));
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
            Sums.forward(layout, run, node);
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
        } else if (op instanceof Op.Dropout) {
            Elementwise.mulChannels(x, run.gates.dropoutMask(), run.value[id]);
        } else if (op instanceof Op.Linear l) {
            scratch.ops.linear(x, store.trainable().get(l.weight()), store.trainable().get(l.bias()), run.value[id]);
        } else {
            throw new IllegalArgumentException("no planned form for " + op);
        }
    }

    private void concat(Pass run, Node node) {
        Layout.Slot slot = layout.values[node.id()];
        int offset = 0;
        for (int in : node.inputs()) {
            int channels = graph.node(in).shape().channels();
            if (!aliasedInto(in, slot, offset)) {
                Elementwise.copy(run.value[in], Views.view(run.value[node.id()], run.b, offset, channels));
            }
            offset += channels;
        }
    }

    private boolean aliasedInto(int input, Layout.Slot concat, int offset) {
        Layout.Slot s = layout.values[input];
        return s != null && s.buffer() == concat.buffer() && s.offset() == concat.offset() + offset;
    }

    private void gate(Pass run, Node node, Op.Gate g, INDArray x) {
        if (g.gates().stream().allMatch(run.gates::hardKept)) {
            Elementwise.copy(x, run.value[node.id()]);
            return;
        }
        INDArray scale = scratch.get(Scratch.Role.WEIGHT, run.b, node.shape().channels());
        run.gates.fillScale(scale, g.gates(), g.channels());
        Elementwise.mulChannels(x, scale, run.value[node.id()]);
    }

    // ---- backward ----

    private void backward(Pass run, INDArray dLogits) {
        for (int buffer : layout.sharedGradBuffers) {
            buffers.grad(buffer).assign(0);
        }
        for (Node node : graph.nodes()) {
            Layout.Slot g = layout.grads[node.id()];
            if (g != null && layout.isShared(g)) {
                run.written[node.id()] = true;
            }
        }
        run.grad[graph.logits()].assign(dLogits);
        run.written[graph.logits()] = true;
        paramGrads.begin();
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
            backward(run, node);
            OpTimes.stop(graph, node, " backward", t);
        }
        long t = OpTimes.start();
        thetaGradients(run);
        paramGrads.zeroUnwritten();
        OpTimes.stop("gate gradients", t);
    }

    private void backward(Pass run, Node node) {
        int id = node.id();
        Op op = node.op();
        if (op instanceof Op.BatchNorm) {
            normalization.backward(run, layout.units.get(layout.unitOf[id]), paramGrads);
            return;
        }
        INDArray dy = run.gradOf(id);
        INDArray x = node.inputs().isEmpty() ? null : run.value[node.input()];
        if (op instanceof Op.Conv c) {
            INDArray gw = paramGrads.written(c.weight());
            int in = node.input();
            INDArray w = store.trainable().get(c.weight());
            if (Convolutions.backwardInPlace(c, x, w, dy, run.grad[in], run.written[in], gw, scratch)) {
                run.written[in] = run.grad[in] != null;
                return;
            }
            if (run.grad[in] == null && Convolutions.weightGradientPays(c, x, dy)) {
                Convolutions.weightGradient(c, x, dy, gw, scratch); // the input takes no gradient
                return;
            }
            boolean direct = run.grad[in] != null && !run.written[in];
            INDArray gx = direct ? run.grad[in] : null;
            INDArray dx = Convolutions.backward(c, x, w, dy, gx, gw, scratch);
            if (dx == run.grad[in]) {
                run.written[in] = true;
            } else {
                run.addTo(in, dx);
            }
        } else if (op instanceof Op.Relu) {
            INDArray dx = Elementwise.copy(dy, scratch.like(Scratch.Role.GRAD_INPUT, dy));
            ElementwiseKernels.reluBackward(x, dx); // the input, not the output: a sum may have reused that
            run.addTo(node.input(), dx);
        } else if (op instanceof Op.Relu6) {
            run.addTo(node.input(), Elementwise.relu6Backward(x, dy, scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.Pool p) {
            run.addTo(node.input(), Pools.backward(p, x, dy, scratch.like(Scratch.Role.GRAD_INPUT, x), scratch));
        } else if (op instanceof Op.Concat) {
            Layout.Slot slot = layout.values[id];
            int offset = 0;
            for (int in : node.inputs()) {
                int channels = graph.node(in).shape().channels();
                if (!aliasedInto(in, slot, offset)) {
                    run.addTo(in, Views.view(dy, run.b, offset, channels));
                }
                offset += channels;
            }
        } else if (op instanceof Op.Sum) {
            for (int in : node.inputs()) {
                if (layout.sharesGradWith(in, id)) {
                    run.written[in] = true;
                } else {
                    run.addTo(in, dy);
                }
            }
        } else if (op instanceof Op.GlobalAvgPool) {
            run.addTo(node.input(), Elementwise.globalAvgPoolBackward(dy, scratch.like(Scratch.Role.GRAD_INPUT, x)));
        } else if (op instanceof Op.Gate g) {
            INDArray scale = scratch.get(Scratch.Role.WEIGHT, run.b, node.shape().channels());
            run.gates.fillScale(scale, g.gates(), g.channels());
            INDArray dScale = Elementwise.channelDot(dy, x, scratch.get(Scratch.Role.GRAD_WEIGHT, run.b, node.shape().channels()));
            run.gates.addScaleGradient(dScale, g.gates(), g.channels());
            run.addTo(node.input(), Elementwise.mulChannels(dy, scale, scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.ChannelMask m) {
            run.addTo(node.input(), Elementwise.mulChannels(dy, Elementwise.mask(m, dt), scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.Zeros) {
            return;
        } else if (op instanceof Op.FeatureGate) {
            INDArray scale = scratch.get(Scratch.Role.WEIGHT, run.b, node.shape().channels());
            run.gates.fillFeatureScale(scale);
            run.gates.addFeatureScaleGradient(dy.mul(x));
            run.addTo(node.input(), Elementwise.mulChannels(dy, scale, scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.Dropout) {
            run.addTo(node.input(), Elementwise.mulChannels(dy, run.gates.dropoutMask(), scratch.like(Scratch.Role.GRAD_INPUT, dy)));
        } else if (op instanceof Op.Linear l) {
            INDArray dx = scratch.like(Scratch.Role.GRAD_INPUT, x);
            scratch.ops.linearBackward(x, store.trainable().get(l.weight()), dy, dx, paramGrads.written(l.weight()),
                    paramGrads.written(l.bias()).reshape(-1));
            run.addTo(node.input(), dx);
        } else {
            throw new IllegalArgumentException("no planned backward for " + op);
        }
    }

    private void thetaGradients(Pass run) {
        if (graph.variant().gates() != GateMode.RELAXED) {
            return;
        }
        for (int g = 0; g < graph.gates().size(); g++) {
            String theta = graph.gates().get(g).thetaName();
            paramGrads.written(theta).putScalar(0, run.gates.thetaGradient(g));
        }
        if (graph.classifierTheta() != null) {
            paramGrads.written(graph.classifierTheta()).putScalar(0, run.gates.featureThetaGradient());
        }
    }
}
