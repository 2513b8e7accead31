package org.stfusion.core.engine;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A backbone's network as declared through {@link GraphRecorder}, for one {@link GraphVariant}: the nodes in
 * execution order (the first is the input, {@code logits} the output), the trained arrays it uses, its gates and
 * fusion positions, its batch norms, the regulariser terms of its gates, and the forward MACs per clip of
 * everything always computed ({@code macs}; gated paths carry their own in {@link GateInfo}). An engine
 * ({@link GraphExecutor}) runs it.
 */
public record NetworkGraph(GraphVariant variant, VdpSettings vdp, DataType dataType, List<Node> nodes, int logits,
                           int classes, List<String> trainableNames, List<GateInfo> gates, List<PositionInfo> positions,
                           List<String> batchNorms, List<Regulariser> regularisers, List<PathRegion> paths,
                           String classifierTheta, int classifierFeatures, long macs) {

    public NetworkGraph {
        nodes = List.copyOf(nodes);
        trainableNames = List.copyOf(trainableNames);
        gates = List.copyOf(gates);
        positions = List.copyOf(positions);
        batchNorms = List.copyOf(batchNorms);
        regularisers = List.copyOf(regularisers);
        paths = List.copyOf(paths);
    }

    /**
     * The KL term of one gated module: θ, the weights its Σw² covers (a slice {@code [offset, offset+count)} of
     * the input channels, dimension 3, when {@code count >= 0}), and how many times its entropy counts (1 for a
     * path, the feature count for the classifier).
     */
    public record Regulariser(String theta, List<WeightSlice> weights, int entropyCount) {
        public Regulariser {
            weights = List.copyOf(weights);
        }
    }

    /** A weight, or the input-channel slice of one. */
    public record WeightSlice(String name, int offset, int count) {
        public static WeightSlice whole(String name) {
            return new WeightSlice(name, 0, -1);
        }

        public boolean whole() {
            return count < 0;
        }
    }

    /**
     * The nodes {@code [first, last]} that exist only for one gated path of a position (its BN-ReLU, gate and
     * convolution), the node that ends it ({@code output}, an input of the position's {@link Op.Sum}), and its
     * gates: when every one of them is hard 0, an engine may skip the nodes, since the path adds exactly zero.
     */
    public record PathRegion(String position, int pathIndex, List<Integer> gates, int first, int last, int output, int sum) {
        public PathRegion {
            gates = List.copyOf(gates);
        }
    }

    /** Batch statistics (training) graphs have a loss: cross-entropy plus the regulariser terms. */
    public boolean hasLoss() {
        return variant.bn() == BnMode.BATCH;
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    /**
     * Per clip, how many values each channel of batch norm {@code bn} normalises (its input's T·H·W): with the
     * batch size, the n of its variance's n/(n-1) correction, as PyTorch counts it per layer.
     */
    public long batchNormVoxels(String bn) {
        for (Node node : nodes) {
            if (node.op() instanceof Op.BatchNorm b && b.name().equals(bn)) {
                return node(node.inputs().get(0)).shape().voxels();
            }
        }
        throw new IllegalArgumentException("no batch norm '" + bn + "' in this graph");
    }

    /** MACs of the gated paths, i.e. what all-kept adds to {@link #macs()}. */
    public long gatedMacs() {
        return gates.stream().mapToLong(GateInfo::macsPerClip).sum();
    }

    /**
     * Forward MACs per clip when only what {@code keep[g]} keeps is computed; the paths of a position whose
     * layer gate (D1) is dropped are not computed either, since the layer adds nothing.
     */
    public long macsWith(boolean[] keep) {
        java.util.Set<String> skipped = new java.util.HashSet<>();
        for (GateInfo g : gates) {
            if (g.layerGate() && !keep[g.index()]) {
                skipped.add(g.position());
            }
        }
        long m = macs - gatedMacs();
        for (GateInfo g : gates) {
            if (keep[g.index()] && !skipped.contains(g.position())) {
                m += g.macsPerClip();
            }
        }
        return m;
    }
}
