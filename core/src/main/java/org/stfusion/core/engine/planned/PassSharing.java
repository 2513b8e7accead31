package org.stfusion.core.engine.planned;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphExecutor.Sharing;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.ParameterStore;

/**
 * What one executor's evaluation passes reuse from earlier ones while a session is open: the ungated prefix kept
 * per batch across calls ({@link PrefixCache}), and the fusion-position boundaries of the last passes on a batch
 * ({@link StrategyMemo}). A pass asks, node by node, whether a value is restored already, and reports each node it
 * has passed so that boundaries are kept.
 */
final class PassSharing {
    private final NetworkGraph graph;
    private final Layout layout;
    private final ParameterStore store;
    private PrefixCache prefix;
    private long prefixReuses;
    private StrategyMemo memo;
    private StrategyMemo memoPlan;
    /** Batch statistics of the batch norms the current pass restored instead of computing. */
    private Map<String, INDArray[]> restoredStatistics = Map.of();
    // The current pass: whether it shares, the boundary it resumed at, whether it restored the prefix.
    private boolean sharing;
    private int resumedAt = -1;
    private boolean restored;
    private boolean stored;

    PassSharing(NetworkGraph graph, Layout layout, ParameterStore store) {
        this.graph = graph;
        this.layout = layout;
        this.store = store;
    }

    long prefixReuses() {
        return prefixReuses;
    }

    long boundaryReuses() {
        return memoPlan == null ? 0 : memoPlan.reuses();
    }

    Sharing betweenStrategies(long budgetBytes) {
        if (graph.variant().gates() != GateMode.HARD || memo != null) {
            return () -> { };
        }
        if (memoPlan == null || memoPlan.budgetBytes() != budgetBytes) {
            memoPlan = new StrategyMemo(graph, layout, store, budgetBytes); // the boundaries are the graph's: plan once
        }
        memo = memoPlan;
        memo.reset();
        return new Sharing() {
            @Override
            public void nextWillBe(Map<String, INDArray> gateInputs) {
                if (memo != null) {
                    memo.nextWillBe(gateInputs == null ? null : new Gates(graph, store, gateInputs, 1));
                }
            }

            @Override
            public void close() {
                memo = null;
            }
        };
    }

    Sharing ungatedPrefix(long budgetBytes) {
        if (graph.variant().bn() != BnMode.RUNNING) {
            return () -> { };
        }
        prefix = new PrefixCache(graph, layout, budgetBytes);
        return () -> prefix = null;
    }

    /**
     * Starts a pass ({@code shares}: an evaluation pass that may reuse values): resumes at the deepest kept
     * boundary, else restores the ungated prefix kept for these clips, if any.
     */
    void begin(INDArray clips, Pass run, boolean shares) {
        restoredStatistics = new HashMap<>();
        sharing = shares;
        resumedAt = -1;
        if (memo != null && shares) {
            memo.beginPass();
            resumedAt = memo.restore(clips, run, restoredStatistics);
        }
        restored = resumedAt < 0 && prefix != null && prefix.restore(clips, run.value);
        if (restored) {
            prefixReuses++;
        }
        stored = restored || resumedAt >= 0;
    }

    /** Whether the pass has node's value already (restored); keeps the prefix once it is complete. */
    boolean restored(Node node, INDArray clips, Pass run) {
        int id = node.id();
        if (prefix != null && !stored && prefix.complete(id)) {
            prefix.store(clips, run.value);
            stored = true;
        }
        return id <= resumedAt && !(node.op() instanceof Op.Input) || restored && prefix.covers(id);
    }

    /** After the pass has passed node {@code id}: keeps the boundaries there. */
    void passed(int id, INDArray clips, Pass run, Function<String, INDArray[]> batchStatistics) {
        if (memo != null && sharing && id > (restored ? prefix.last() : resumedAt)) {
            memo.passed(id, clips, run, batchStatistics);
        }
    }

    /** The batch statistics of batch norm {@code bn} the pass restored, or null if it computed them. */
    INDArray[] restoredStatistics(String bn) {
        return restoredStatistics.get(bn);
    }
}
