package org.stfusion.core.engine.planned;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;

/**
 * The part of a network no gate affects (the stem, and the batch norms before the first gates) gives the same
 * values for a clip whatever strategy is scored. This keeps, per input batch, the values of that prefix that the
 * rest of the network reads (its frontier), and restores them instead of recomputing the prefix.
 */
final class PrefixCache {
    private final boolean[] prefix;
    private final int[] frontier;
    /** The last prefix node: once it ran, the frontier is complete. */
    private final int last;
    private final long budgetBytes;
    private final Map<INDArray, INDArray[]> saved = new IdentityHashMap<>();
    private long usedBytes;

    PrefixCache(NetworkGraph graph, Layout layout, long budgetBytes) {
        this.budgetBytes = budgetBytes;
        int n = graph.nodes().size();
        prefix = new boolean[n];
        boolean[] gated = new boolean[n];
        // A path is not computed at all when its gates are 0, so whatever lies in one depends on them.
        for (NetworkGraph.PathRegion region : graph.paths()) {
            java.util.Arrays.fill(gated, region.first(), region.last() + 1, true);
        }
        for (Node node : graph.nodes()) {
            boolean g = node.op() instanceof Op.Gate || node.op() instanceof Op.FeatureGate || node.op() instanceof Op.Dropout;
            for (int in : node.inputs()) {
                g |= gated[in];
            }
            gated[node.id()] |= g;
        }
        // A fused unit runs as one: it belongs to the prefix only if its output does.
        for (Node node : graph.nodes()) {
            int unit = layout.unitOf[node.id()];
            boolean ungated = unit >= 0 ? !gated[layout.units.get(unit).output()] : !gated[node.id()];
            prefix[node.id()] = ungated && !(node.op() instanceof Op.Input);
        }
        List<Integer> edge = new ArrayList<>();
        int lastPrefix = -1;
        for (Node node : graph.nodes()) {
            if (!prefix[node.id()]) {
                continue;
            }
            lastPrefix = node.id();
            boolean readOutside = false;
            for (int c : layout.consumers[node.id()]) {
                readOutside |= !prefix[c];
            }
            if (readOutside && !layout.isFusedAway(node.id())) {
                edge.add(node.id());
            }
        }
        frontier = edge.stream().mapToInt(Integer::intValue).toArray();
        last = lastPrefix;
    }

    boolean covers(int node) {
        return prefix[node];
    }

    /** The last node of the prefix. */
    int last() {
        return last;
    }

    /** Whether every prefix node comes before {@code node}, so the frontier's values are all computed. */
    boolean complete(int node) {
        return last >= 0 && node > last;
    }

    /** Puts the saved frontier values of {@code clips} back into {@code values}; false if there are none. */
    boolean restore(INDArray clips, INDArray[] values) {
        INDArray[] copies = saved.get(clips);
        if (copies == null) {
            return false;
        }
        for (int i = 0; i < frontier.length; i++) {
            values[frontier[i]].assign(copies[i]);
        }
        return true;
    }

    /** Keeps copies of the frontier values of {@code clips}, if they fit in the budget. */
    void store(INDArray clips, INDArray[] values) {
        long bytes = 0;
        for (int id : frontier) {
            bytes += values[id].length() * values[id].dataType().width();
        }
        if (usedBytes + bytes > budgetBytes || frontier.length == 0) {
            return;
        }
        INDArray[] copies = new INDArray[frontier.length];
        for (int i = 0; i < frontier.length; i++) {
            copies[i] = values[frontier[i]].dup();
        }
        saved.put(clips, copies);
        usedBytes += bytes;
    }
}
