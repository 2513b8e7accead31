package org.stfusion.core.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The Variational DropPath gates of a recording: each gate with the weights and MACs it switches off, the
 * regulariser terms of a relaxed template, and the D1 gate that waits for the convolution it feeds.
 */
final class GateLedger {
    private final boolean relaxed;
    private final List<GateInfo> gates = new ArrayList<>();
    private final List<NetworkGraph.Regulariser> regularisers = new ArrayList<>();
    /** The convolution weights of the path being recorded behind a gate; null outside such a path. */
    private List<String> pathWeights;
    private int pendingLayerGate = -1;

    GateLedger(GateMode mode) {
        this.relaxed = mode == GateMode.RELAXED;
    }

    /** The index the next gate gets. */
    int next() {
        return gates.size();
    }

    void add(GateInfo gate) {
        gates.add(gate);
    }

    /** Holds {@code gate}'s index until its weights are known ({@link #set}). */
    void reserve() {
        gates.add(null);
    }

    void set(int index, GateInfo gate) {
        gates.set(index, gate);
    }

    /** A term of the relaxed template's regulariser for {@code theta}; a hard or fixed network has none. */
    void regularise(String theta, List<NetworkGraph.WeightSlice> weights, int entropyCount) {
        if (relaxed) {
            regularisers.add(new NetworkGraph.Regulariser(theta, weights, entropyCount));
        }
    }

    /** From now on the convolutions recorded belong to one gated path, until {@link #pathWeights}. */
    void startPath() {
        pathWeights = new ArrayList<>();
    }

    /** The weights of the convolutions recorded since {@link #startPath}; ends the path. */
    List<String> pathWeights() {
        List<String> weights = List.copyOf(pathWeights);
        pathWeights = null;
        return weights;
    }

    /** A convolution was recorded: the gated path's weights, or the pending D1 gate's, include it. */
    void convolution(String weight, long convMacs) {
        if (pathWeights != null) {
            pathWeights.add(weight);
        }
        if (pendingLayerGate >= 0) {
            finishLayerGate(weight, convMacs);
        }
    }

    /** A D1 gate, which takes the weights and MACs of the next convolution recorded. */
    void addLayerGate(GateInfo gate) {
        gates.add(gate);
        pendingLayerGate = gate.index();
    }

    /** A pending D1 gate that no convolution followed covers no weights. */
    void finishLayerGate() {
        if (pendingLayerGate >= 0) {
            finishLayerGate(null, 0);
        }
    }

    List<GateInfo> gates() {
        return gates;
    }

    List<NetworkGraph.Regulariser> regularisers() {
        return regularisers;
    }

    /** Gives the pending D1 gate the weights and MACs of the convolution it feeds (or none) and its regulariser. */
    private void finishLayerGate(String weight, long convMacs) {
        GateInfo g = gates.get(pendingLayerGate);
        List<String> weights = weight == null ? List.of() : List.of(weight);
        gates.set(pendingLayerGate, new GateInfo(g.index(), g.position(), GateInfo.LAYER, "D1", g.thetaName(), weights,
                convMacs));
        regularise(g.thetaName(), weights.stream().map(NetworkGraph.WeightSlice::whole).toList(), 1);
        pendingLayerGate = -1;
    }
}
