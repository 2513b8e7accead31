package org.stfusion.core.engine.planned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.ParameterStore;

/**
 * Values kept at the fusion-position boundaries ("cuts") of one evaluation forward pass, so that the next pass on
 * the same clips resumes at the deepest cut whose inputs are unchanged instead of starting at the stem. What a cut
 * keeps (its frontier: the values computed before it and read after it) depends only on the gates upstream of it
 * and on the running statistics of the batch norms it went through; when the next strategy has the same of both,
 * the frontier is copied back. Strategies scored in lexicographic order of their gates share long prefixes, so
 * each position is computed about once per distinct prefix instead of once per strategy.
 * <p>
 * In batch-statistics graphs (recalibration) each cut also keeps the batch statistics of the batch norms before
 * it, which the pass reports as if it had computed them.
 */
final class StrategyMemo {
    private final NetworkGraph graph;
    private final ParameterStore store;
    private final boolean batchStatistics;
    private final List<Cut> cuts = new ArrayList<>();
    private final long budgetBytes;
    /** Batch norms in node order and the per-pass hash of each one's running statistics. */
    private final List<String> norms = new ArrayList<>();
    private final long[] statisticsHash;
    private long reuses;
    /** How many cuts the current pass may use at its batch size (set by {@link #restore}, which starts it). */
    private int usable;
    /** The gates of the next pass, when the caller said; null: keep every boundary. */
    private Gates next;

    /** One boundary: nodes {@code <= node} are before it. */
    private static final class Cut {
        final int node;
        final int[] frontier;
        final int[] gates;
        /** Indices into {@link #norms} of the batch norms the frontier went through. */
        final int[] normsThrough;
        /**
         * Batch norms between the previous cut and this one, whose batch statistics (in batch-statistics graphs)
         * this cut keeps. Every kept cut holds values of the last pass or of an earlier one it shares the prefix
         * with, so resuming at a cut takes the statistics of the cuts before it too.
         */
        final List<String> normsBefore;
        final long bytesPerSample;
        INDArray[] saved;
        INDArray[][] savedStatistics;
        INDArray clips;
        int batch;
        double[] gateValues;
        long statistics;
        boolean valid;

        Cut(int node, int[] frontier, int[] gates, int[] normsThrough, List<String> normsBefore, long bytesPerSample) {
            this.node = node;
            this.bytesPerSample = bytesPerSample;
            this.frontier = frontier;
            this.gates = gates;
            this.normsThrough = normsThrough;
            this.normsBefore = normsBefore;
        }
    }

    StrategyMemo(NetworkGraph graph, Layout layout, ParameterStore store, long budgetBytes) {
        this.graph = graph;
        this.store = store;
        this.batchStatistics = graph.variant().bn() == BnMode.BATCH;
        this.budgetBytes = budgetBytes;
        int n = graph.nodes().size();
        for (Node node : graph.nodes()) {
            if (node.op() instanceof Op.BatchNorm bn) {
                norms.add(bn.name());
            }
        }
        statisticsHash = new long[norms.size()];
        // One bit past the path gates stands for the classifier's feature gates and dropout: no cut depends on them.
        int features = graph.gates().size();
        BitSet[] gates = gateDependencies(graph, features);
        BitSet[] ancestors = ancestors(graph);
        int previous = -1;
        for (int c : cutPoints(graph, layout)) {
            int[] frontier = frontier(graph, layout, c);
            BitSet deps = new BitSet();
            BitSet through = new BitSet(n);
            for (int f : frontier) {
                deps.or(gates[f]);
                through.or(ancestors[f]);
                through.set(f);
            }
            if (frontier.length == 0 || deps.get(features)) {
                continue;
            }
            long bytes = 0;
            for (int f : frontier) {
                bytes += graph.node(f).shape().channels() * graph.node(f).shape().voxels() * store.dataType().width();
            }
            List<Integer> normIndex = new ArrayList<>();
            List<String> before = new ArrayList<>();
            int k = 0;
            for (Node node : graph.nodes()) {
                if (node.op() instanceof Op.BatchNorm bn) {
                    if (through.get(node.id())) {
                        normIndex.add(k);
                    }
                    if (node.id() > previous && node.id() <= c) {
                        before.add(bn.name());
                    }
                    k++;
                }
            }
            cuts.add(new Cut(c, frontier, deps.stream().toArray(),
                    normIndex.stream().mapToInt(Integer::intValue).toArray(), before, bytes));
            previous = c;
        }
    }

    /**
     * For every node, the path gates its value depends on: those of the gate ops upstream, and those of the path
     * regions it lies in (a path all of whose gates are 0 is not computed at all).
     */
    private static BitSet[] gateDependencies(NetworkGraph graph, int features) {
        int n = graph.nodes().size();
        BitSet[] deps = new BitSet[n];
        BitSet[] inRegion = new BitSet[n];
        for (NetworkGraph.PathRegion region : graph.paths()) {
            for (int i = region.first(); i <= region.last(); i++) {
                if (inRegion[i] == null) {
                    inRegion[i] = new BitSet();
                }
                region.gates().forEach(inRegion[i]::set);
            }
        }
        for (Node node : graph.nodes()) {
            BitSet d = new BitSet();
            for (int in : node.inputs()) {
                d.or(deps[in]);
            }
            if (inRegion[node.id()] != null) {
                d.or(inRegion[node.id()]);
            }
            if (node.op() instanceof Op.Gate g) {
                g.gates().forEach(d::set);
            } else if (node.op() instanceof Op.FeatureGate || node.op() instanceof Op.Dropout) {
                d.set(features);
            }
            deps[node.id()] = d;
        }
        return deps;
    }

    private static BitSet[] ancestors(NetworkGraph graph) {
        int n = graph.nodes().size();
        BitSet[] up = new BitSet[n];
        for (Node node : graph.nodes()) {
            BitSet a = new BitSet(n);
            for (int in : node.inputs()) {
                a.or(up[in]);
                a.set(in);
            }
            up[node.id()] = a;
        }
        return up;
    }

    /** The node just before each path region, moved earlier where it would split a fused unit. */
    private static int[] cutPoints(NetworkGraph graph, Layout layout) {
        java.util.TreeSet<Integer> points = new java.util.TreeSet<>();
        for (NetworkGraph.PathRegion region : graph.paths()) {
            int c = region.first() - 1;
            boolean moved = true;
            while (moved && c >= 0) {
                moved = false;
                for (Layout.BnUnit unit : layout.units) {
                    int lo = Math.min(unit.bn(), unit.output());
                    int hi = Math.max(unit.bn(), unit.output());
                    if (lo <= c && c < hi) {
                        c = lo - 1;
                        moved = true;
                    }
                }
            }
            if (c >= 0) {
                points.add(c);
            }
        }
        return points.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The materialised values at or before node {@code c} that nodes after it read; of several slices of one
     * buffer, only those not inside another (a DenseNet block's layers are slices of the block's concatenation).
     */
    private static int[] frontier(NetworkGraph graph, Layout layout, int c) {
        List<Integer> read = new ArrayList<>();
        for (Node node : graph.nodes()) {
            if (node.id() > c) {
                break;
            }
            if (node.op() instanceof Op.Input || layout.values[node.id()] == null || layout.isFusedAway(node.id())) {
                continue;
            }
            boolean readAfter = false;
            for (int consumer : layout.consumers[node.id()]) {
                readAfter |= consumer > c;
            }
            if (readAfter) {
                read.add(node.id());
            }
        }
        List<Integer> kept = new ArrayList<>();
        for (int a : read) {
            boolean inside = false;
            for (int b : read) {
                if (a != b && contains(graph, layout, b, a) && (!contains(graph, layout, a, b) || b < a)) {
                    inside = true;
                    break;
                }
            }
            if (!inside) {
                kept.add(a);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether node {@code outer}'s value covers every channel of node {@code inner}'s (same buffer). */
    private static boolean contains(NetworkGraph graph, Layout layout, int outer, int inner) {
        Layout.Slot o = layout.values[outer];
        Layout.Slot i = layout.values[inner];
        return o.buffer() == i.buffer() && o.offset() <= i.offset()
                && i.offset() + graph.node(inner).shape().channels() <= o.offset() + graph.node(outer).shape().channels();
    }

    long budgetBytes() {
        return budgetBytes;
    }

    /** Forgets every kept value (a new session). */
    void reset() {
        cuts.forEach(cut -> {
            cut.valid = false;
            cut.clips = null;
        });
        next = null;
    }

    /** The next pass's gates: boundaries whose gates differ for it are not kept (null: keep every boundary). */
    void nextWillBe(Gates gates) {
        this.next = gates;
    }

    /** How many passes resumed at a kept cut (a diagnostic). */
    long reuses() {
        return reuses;
    }

    /** Hashes the running statistics of every batch norm, once per pass (they may change between passes). */
    void beginPass() {
        if (batchStatistics) {
            return;
        }
        for (int k = 0; k < norms.size(); k++) {
            String name = norms.get(k);
            statisticsHash[k] = 31 * hash(store.state().get(name + ".runningMean"))
                    + hash(store.state().get(name + ".runningVar"));
        }
    }

    private static long hash(INDArray a) {
        long h = 1;
        for (double v : a.data().asDouble()) {
            h = h * 1_000_003 + Double.doubleToLongBits(v);
        }
        return h;
    }

    private long statisticsKey(Cut cut) {
        long h = 7;
        for (int k : cut.normsThrough) {
            h = h * 1_000_003 + statisticsHash[k];
        }
        return h;
    }

    private static double[] gateValues(Cut cut, Gates gates) {
        double[] v = new double[cut.gates.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = gates.keep(0, cut.gates[i]);
        }
        return v;
    }

    /**
     * Copies back the frontier of the deepest cut this pass shares with the one that kept it, and returns that
     * cut's node ({@code -1}: none, compute from the start). In batch-statistics graphs the kept statistics are put
     * into {@code statistics}.
     */
    int restore(INDArray clips, Pass run, java.util.Map<String, INDArray[]> statistics) {
        usable = usable(run.b);
        for (int i = usable - 1; i >= 0; i--) {
            Cut cut = cuts.get(i);
            if (matches(cut, clips, run)) {
                for (int f = 0; f < cut.frontier.length; f++) {
                    run.value[cut.frontier[f]].assign(firstSamples(cut.saved[f], run.b));
                }
                if (batchStatistics) {
                    for (int j = 0; j <= i; j++) {
                        Cut before = cuts.get(j);
                        for (int k = 0; k < before.normsBefore.size(); k++) {
                            if (before.savedStatistics[k] != null) {
                                statistics.put(before.normsBefore.get(k), before.savedStatistics[k]);
                            }
                        }
                    }
                }
                reuses++;
                return cut.node;
            }
        }
        return -1;
    }

    private boolean matches(Cut cut, INDArray clips, Pass run) {
        return cut.valid && cut.clips == clips && cut.batch == run.b && cut.statistics == statisticsKey(cut)
                && Arrays.equals(cut.gateValues, gateValues(cut, run.gates));
    }

    /** How many cuts (the earliest, which are the most shared) fit in the budget at {@code b} samples. */
    private int usable(int b) {
        long bytes = 0;
        for (int i = 0; i < cuts.size(); i++) {
            bytes += cuts.get(i).bytesPerSample * b;
            if (bytes > budgetBytes) {
                return i;
            }
        }
        return cuts.size();
    }

    /** The cuts at {@code node}, whose frontier this pass has just completed: keeps it unless kept already. */
    void passed(int node, INDArray clips, Pass run, java.util.function.Function<String, INDArray[]> statistics) {
        for (int i = 0; i < usable; i++) {
            Cut cut = cuts.get(i);
            if (cut.node != node || matches(cut, clips, run)
                    || next != null && !Arrays.equals(gateValues(cut, next), gateValues(cut, run.gates))) {
                continue;
            }
            if (cut.saved == null || cut.saved[0].size(0) < run.b) {
                cut.saved = new INDArray[cut.frontier.length];
                for (int f = 0; f < cut.frontier.length; f++) {
                    cut.saved[f] = run.value[cut.frontier[f]].dup();
                }
            } else {
                for (int f = 0; f < cut.frontier.length; f++) {
                    firstSamples(cut.saved[f], run.b).assign(run.value[cut.frontier[f]]);
                }
            }
            if (batchStatistics) {
                if (cut.savedStatistics == null) {
                    cut.savedStatistics = new INDArray[cut.normsBefore.size()][];
                }
                for (int k = 0; k < cut.normsBefore.size(); k++) {
                    cut.savedStatistics[k] = keep(cut.savedStatistics[k], statistics.apply(cut.normsBefore.get(k)));
                }
            }
            cut.clips = clips;
            cut.batch = run.b;
            cut.gateValues = gateValues(cut, run.gates);
            cut.statistics = statisticsKey(cut);
            cut.valid = true;
        }
    }

    /** {@code s} copied into {@code kept} (reused when it has the shapes), or null when there is none. */
    private static INDArray[] keep(INDArray[] kept, INDArray[] s) {
        if (s == null) {
            return null;
        }
        if (kept == null || !Arrays.equals(kept[0].shape(), s[0].shape())) {
            return new INDArray[] {s[0].dup(), s[1].dup()};
        }
        kept[0].assign(s[0]);
        kept[1].assign(s[1]);
        return kept;
    }

    /** The first {@code b} samples of a kept copy (kept for the largest batch seen). */
    private static INDArray firstSamples(INDArray a, int b) {
        return a.size(0) == b ? a : a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, b));
    }
}
