package org.stfusion.core.engine.planned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.stfusion.api.model.Shape;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;

/**
 * What the planned engine decides once per graph, before any buffer exists:
 * <ul>
 *   <li><b>fused units</b>: batch norm with the ReLU and the single-gate DropPath that follow it run as one kernel
 *       ({@code BN -> ReLU -> [gate]}, the pre-activation paths), and the units that normalise the same input
 *       share its batch statistics and run their backward in one pass;</li>
 *   <li><b>aliases</b>: a concatenation's inputs are written straight into channel slices of its buffer (a
 *       DenseNet block is one buffer, so a concat costs nothing), and in training the first input of a sum is
 *       written into the sum's buffer;</li>
 *   <li><b>storage</b>: which buffer (and channel offset) holds each node's value, and in training its gradient.</li>
 * </ul>
 */
final class Layout {
    /** A node's value or gradient: channels {@code [offset, offset + channels)} of buffer {@code buffer}. */
    record Slot(int buffer, int offset) {
    }

    /** A buffer: its per-sample shape (the batch is the plan's capacity). */
    record Buffer(Shape shape) {
        long elementsPerSample() {
            return shape.channels() * shape.voxels();
        }
    }

    /** {@code BN -> [ReLU] -> [gate]} run as one kernel; {@code output} is the last node of the unit. */
    record BnUnit(int bn, int relu, int gate, int output) {
        boolean hasGate() {
            return gate >= 0;
        }
    }

    final NetworkGraph graph;
    final boolean training;
    final int[][] consumers;
    /** For each node, the unit it belongs to (index into {@link #units}), or -1. */
    final int[] unitOf;
    final List<BnUnit> units = new ArrayList<>();
    final Slot[] values;
    final List<Buffer> valueBuffers = new ArrayList<>();
    /**
     * Value buffers holding a concatenation: every channel is written once per pass, by its producer, before
     * anything reads it, so per-channel statistics computed once hold for every later reader.
     */
    final java.util.Set<Integer> concatBuffers = new java.util.HashSet<>();
    /** Nodes whose value lives in the buffer of the sum that is their only reader. */
    final boolean[] sumAliased;
    /**
     * Of those, the convolutions after a sum's first input, which add their output to what is in the sum's buffer
     * (the first input wrote it) instead of keeping a buffer of their own for the sum to add.
     */
    final boolean[] sumAdded;
    final Slot[] grads;
    final List<Buffer> gradBuffers = new ArrayList<>();
    /** Gradient buffers that several nodes accumulate into: zero-filled before each backward pass. */
    final List<Integer> sharedGradBuffers = new ArrayList<>();

    Layout(NetworkGraph graph, boolean training) {
        this.graph = graph;
        this.training = training;
        int n = graph.nodes().size();
        this.consumers = consumers(graph);
        this.unitOf = new int[n];
        Arrays.fill(unitOf, -1);
        this.values = new Slot[n];
        this.sumAliased = new boolean[n];
        this.sumAdded = new boolean[n];
        this.grads = new Slot[n];
        fuse();
        assignValues();
        if (training) {
            assignGrads();
        }
    }

    private static int[][] consumers(NetworkGraph graph) {
        List<List<Integer>> c = new ArrayList<>();
        for (int i = 0; i < graph.nodes().size(); i++) {
            c.add(new ArrayList<>());
        }
        for (Node node : graph.nodes()) {
            for (int in : node.inputs()) {
                c.get(in).add(node.id());
            }
        }
        return c.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    Node node(int id) {
        return graph.nodes().get(id);
    }

    /** The single consumer of {@code id}, or -1. */
    int soleConsumer(int id) {
        return consumers[id].length == 1 ? consumers[id][0] : -1;
    }

    boolean isUnitOutput(int id) {
        return unitOf[id] >= 0 && units.get(unitOf[id]).output() == id;
    }

    /** A node computed inside a fused unit without a value of its own. */
    boolean isFusedAway(int id) {
        return unitOf[id] >= 0 && !isUnitOutput(id);
    }

    private void fuse() {
        for (Node node : graph.nodes()) {
            if (!(node.op() instanceof Op.BatchNorm)) {
                continue;
            }
            int relu = -1;
            int gate = -1;
            int next = soleConsumer(node.id());
            if (next >= 0 && node(next).op() instanceof Op.Relu) {
                relu = next;
                int after = soleConsumer(relu);
                if (after >= 0 && node(after).op() instanceof Op.Gate g && g.wholeInput()) {
                    gate = after;
                }
            }
            int output = gate >= 0 ? gate : relu >= 0 ? relu : node.id();
            int u = units.size();
            units.add(new BnUnit(node.id(), relu, gate, output));
            for (int id : new int[] {node.id(), relu, gate}) {
                if (id >= 0) {
                    unitOf[id] = u;
                }
            }
        }
    }

    private void assignValues() {
        List<Node> nodes = graph.nodes();
        // Concatenations, last first: each input becomes a slice of the buffer its concatenation lives in.
        for (int id = nodes.size() - 1; id >= 0; id--) {
            Node node = nodes.get(id);
            if (!(node.op() instanceof Op.Concat) || node.shape().flat()) {
                continue;
            }
            if (values[id] == null) {
                values[id] = newValueBuffer(node.shape());
                concatBuffers.add(values[id].buffer());
            }
            int offset = values[id].offset();
            for (int in : node.inputs()) {
                if (aliasable(in)) {
                    values[in] = new Slot(values[id].buffer(), offset);
                }
                offset += node(in).shape().channels();
            }
        }
        // A sum's first input is computed in the sum's buffer, and a convolution among its later inputs adds its
        // output there (computed after the inputs already in the buffer); the sum adds the others (see Sums).
        for (Node node : nodes) {
            if (node.op() instanceof Op.Sum && node.inputs().size() > 1) {
                if (values[node.id()] == null) {
                    values[node.id()] = newValueBuffer(node.shape());
                }
                int first = node.input();
                if (values[first] == null && consumers[first].length == 1 && !(node(first).op() instanceof Op.Input)
                        && !isFusedAway(first)) {
                    values[first] = values[node.id()];
                    sumAliased[first] = true;
                    int last = first;
                    for (int in : node.inputs().subList(1, node.inputs().size())) {
                        if (in > last && values[in] == null && consumers[in].length == 1
                                && node(in).op() instanceof Op.Conv && !isFusedAway(in)) {
                            values[in] = values[node.id()];
                            sumAliased[in] = true;
                            sumAdded[in] = true;
                            last = in;
                        }
                    }
                }
            }
        }
        for (Node node : nodes) {
            if (values[node.id()] == null && !(node.op() instanceof Op.Input) && !isFusedAway(node.id())) {
                values[node.id()] = newValueBuffer(node.shape());
            }
        }
    }

    /** An input can live in its concatenation's buffer if nothing else needs it elsewhere. */
    private boolean aliasable(int id) {
        Node node = node(id);
        if (values[id] != null || node.op() instanceof Op.Input || node.shape().flat() || isFusedAway(id)) {
            return false;
        }
        int concats = 0;
        for (int c : consumers[id]) {
            if (node(c).op() instanceof Op.Concat) {
                concats++;
            }
        }
        return concats == 1;
    }

    private Slot newValueBuffer(Shape shape) {
        valueBuffers.add(new Buffer(shape));
        return new Slot(valueBuffers.size() - 1, 0);
    }

    /**
     * Gradients mirror the values: a node living in a slice of a shared buffer gets its gradient in the same
     * slice of one shared gradient buffer (zero-filled, accumulated into); the inputs of a sum that only the sum
     * reads share its gradient; every other node gets a buffer of its own.
     */
    private void assignGrads() {
        List<Node> nodes = graph.nodes();
        int[] gradOfValueBuffer = new int[valueBuffers.size()];
        Arrays.fill(gradOfValueBuffer, -1);
        int[] sharers = new int[valueBuffers.size()];
        for (Node node : nodes) {
            Slot v = values[node.id()];
            if (v != null && !sumAliased[node.id()]) {
                sharers[v.buffer()]++;
            }
        }
        boolean[] takesSumGrad = new boolean[nodes.size()];
        for (Node node : nodes) {
            if (node.op() instanceof Op.Sum) {
                for (int in : node.inputs()) {
                    Slot v = values[in];
                    takesSumGrad[in] = consumers[in].length == 1 && v != null
                            && (sumAliased[in] || sharers[v.buffer()] == 1);
                }
            }
        }
        for (Node node : nodes) {
            int id = node.id();
            Slot v = values[id];
            if (node.op() instanceof Op.Input || isFusedAway(id) || v == null || takesSumGrad[id]) {
                continue;
            }
            if (sharers[v.buffer()] > 1) {
                if (gradOfValueBuffer[v.buffer()] < 0) {
                    gradBuffers.add(valueBuffers.get(v.buffer()));
                    gradOfValueBuffer[v.buffer()] = gradBuffers.size() - 1;
                    sharedGradBuffers.add(gradBuffers.size() - 1);
                }
                grads[id] = new Slot(gradOfValueBuffer[v.buffer()], v.offset());
            } else {
                gradBuffers.add(new Buffer(node.shape()));
                grads[id] = new Slot(gradBuffers.size() - 1, 0);
            }
        }
        // Sums come after their inputs, so a chain of sums resolves from the last one back.
        for (int id = nodes.size() - 1; id >= 0; id--) {
            Node node = nodes.get(id);
            if (node.op() instanceof Op.Sum) {
                for (int in : node.inputs()) {
                    if (takesSumGrad[in]) {
                        grads[in] = grads[id];
                    }
                }
            }
        }
    }

    boolean isShared(Slot grad) {
        return sharedGradBuffers.contains(grad.buffer());
    }

    /** Whether {@code input}'s gradient is {@code sum}'s own memory (so the sum's backward has nothing to write). */
    boolean sharesGradWith(int input, int sum) {
        return grads[input] != null && grads[input].equals(grads[sum]);
    }
}
