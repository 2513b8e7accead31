package org.stfusion.core.engine.planned;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;

/**
 * Time spent per kind of op in the planned engine, when switched on ({@code -Dstfusion.opTimes=true} or
 * {@link #enable}): where a step's time goes, for {@code stfusion bench --op-times}. Off, it costs one branch.
 */
public final class OpTimes {
    private static volatile boolean enabled = Boolean.getBoolean("stfusion.opTimes");
    private static final Map<String, long[]> TOTALS = new TreeMap<>();

    private OpTimes() {
    }

    public static boolean enabled() {
        return enabled;
    }

    public static void enable(boolean on) {
        enabled = on;
    }

    static long start() {
        return enabled ? System.nanoTime() : 0;
    }

    static void stop(String what, long start) {
        if (enabled) {
            long elapsed = System.nanoTime() - start;
            synchronized (TOTALS) {
                long[] t = TOTALS.computeIfAbsent(what, k -> new long[2]);
                t[0] += elapsed;
                t[1]++;
            }
        }
    }

    /** As {@link #stop(String, long)} for a node, labelled by its kind and {@code phase}; the label is built only when on. */
    static void stop(NetworkGraph graph, Node node, String phase, long start) {
        if (enabled) {
            stop(kind(graph, node) + phase, start);
        }
    }

    private static String kind(NetworkGraph graph, Node node) {
        if (node.op() instanceof Op.Conv c) {
            return (c.groups() > 1 ? "GroupedConv " : "Conv ") + c.kernel() + " " + graph.node(node.input()).shape().channels()
                    + ">" + node.shape().channels() + " @" + node.shape().height();
        }
        return node.op().getClass().getSimpleName();
    }

    /** Seconds and calls per op kind since the last reset, largest first; then reset. */
    public static Map<String, double[]> drain() {
        Map<String, double[]> out = new LinkedHashMap<>();
        synchronized (TOTALS) {
            TOTALS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .forEach(e -> out.put(e.getKey(), new double[] {e.getValue()[0] / 1e9, e.getValue()[1]}));
            TOTALS.clear();
        }
        return out;
    }
}
