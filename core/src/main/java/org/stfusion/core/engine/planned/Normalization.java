package org.stfusion.core.engine.planned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.RunningStatistics;
import org.stfusion.core.engine.kernels.BatchNormKernels;

/**
 * The planned engine's fused units, batch norm [-> ReLU] [-> DropPath gate], as one kernel each way. The units
 * normalising the same input (the S and T paths of a position) share its batch statistics and run their backward
 * in one pass over it; inside a concatenation's buffer (a DenseNet block) each channel's statistics are computed
 * once per pass and shared by every later layer that reads it.
 */
final class Normalization {
    private final NetworkGraph graph;
    private final ParameterStore store;
    private final Layout layout;
    private final DataType dt;
    private final Scratch scratch;
    /** The input node each batch norm normalises, by batch-norm name. */
    private final Map<String, Integer> bnInput = new HashMap<>();
    /** For each input node, the units normalising it. */
    private final Map<Integer, List<Layout.BnUnit>> unitsByInput = new HashMap<>();
    /** Per input node: batch mean and biased variance [C] of this pass. */
    private final Map<Integer, INDArray[]> statistics = new HashMap<>();
    private final Set<Integer> fresh = new HashSet<>();
    /** Per concatenation buffer: statistics of all its channels, and which this pass has computed. */
    private final Map<Integer, INDArray[]> bufferStatistics = new HashMap<>();
    private final Map<Integer, boolean[]> statisticsDone = new HashMap<>();
    /** Per gated unit (by batch-norm node): the gate as a [batch, C] scale, and its gradient. */
    private final Map<Integer, INDArray> unitScales = new HashMap<>();
    private final Map<Integer, INDArray> unitScaleGrads = new HashMap<>();
    private final ViewMemo views = new ViewMemo();

    Normalization(NetworkGraph graph, ParameterStore store, Layout layout, Scratch scratch) {
        this.graph = graph;
        this.store = store;
        this.layout = layout;
        this.dt = store.dataType();
        this.scratch = scratch;
        for (Node node : graph.nodes()) {
            if (node.op() instanceof Op.BatchNorm bn) {
                bnInput.put(bn.name(), node.input());
            }
        }
        for (Layout.BnUnit unit : layout.units) {
            unitsByInput.computeIfAbsent(graph.node(unit.bn()).input(), k -> new ArrayList<>()).add(unit);
        }
    }

    /** Per-sample buffers for {@code batch} samples. */
    void allocate(int batch) {
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

    /** Forgets the previous pass's batch statistics. */
    void beginPass() {
        fresh.clear();
        statisticsDone.values().forEach(done -> Arrays.fill(done, false));
    }

    /** The batch mean and biased variance batch norm {@code bn} used in this pass. */
    INDArray[] batchStatistics(String bn) {
        return statistics.get(bnInput.get(bn));
    }

    /** BN [-> ReLU] [-> gate] as one kernel, with the input's batch statistics computed once per pass. */
    void forward(Pass run, Layout.BnUnit unit) {
        Node bn = graph.node(unit.bn());
        String name = ((Op.BatchNorm) bn.op()).name();
        INDArray x = run.value[bn.input()];
        INDArray[] stats = graph.variant().bn() == BnMode.BATCH ? statistics(bn.input(), x)
                : new INDArray[] {views.vector(store.state().get(name + ".runningMean")),
                    views.vector(store.state().get(name + ".runningVar"))};
        INDArray scale = null;
        if (unit.hasGate()) {
            Op.Gate gate = (Op.Gate) graph.node(unit.gate()).op();
            if (!gate.gates().stream().allMatch(run.gates::hardKept)) {
                scale = views.samples(unitScales.get(unit.bn()), run.b);
                run.gates.fillScale(scale, gate.gates(), gate.channels());
            }
        }
        BatchNormKernels.normalize(x, stats[0], stats[1], views.vector(store.trainable().get(name + ".gamma")),
                views.vector(store.trainable().get(name + ".beta")), RunningStatistics.EPS, unit.relu() >= 0, scale,
                run.value[unit.output()]);
    }

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
                BatchNormKernels.statistics(views.channels(x, c - from, end - c),
                        views.interval(all[0], c, end), views.interval(all[1], c, end));
                c = end;
            }
            INDArray[] s = new INDArray[] {views.interval(all[0], from, to), views.interval(all[1], from, to)};
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

    /**
     * The backward of every unit normalising the input of {@code unit}, in one pass over it: runs at the group's
     * first unit (the lowest id, reached last going backward), when the gradients of all of them are complete.
     */
    void backward(Pass run, Layout.BnUnit unit, ParameterGradients grads) {
        int input = graph.node(unit.bn()).input();
        List<Layout.BnUnit> group = unitsByInput.get(input);
        if (group.get(0).bn() != unit.bn()) {
            return;
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
                scale = views.samples(unitScales.get(u.bn()), run.b);
                run.gates.fillScale(scale, gate.gates(), gate.channels());
                dScale = views.samples(unitScaleGrads.get(u.bn()), run.b);
            }
            branches[i] = new BatchNormKernels.Branch(views.vector(store.trainable().get(name + ".gamma")),
                    views.vector(store.trainable().get(name + ".beta")), u.relu() >= 0, scale, run.gradOf(u.output()),
                    views.vector(grads.written(name + ".gamma")), views.vector(grads.written(name + ".beta")), dScale);
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
}
