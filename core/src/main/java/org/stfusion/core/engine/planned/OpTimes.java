package org.stfusion.core.engine.planned;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time spent per kind of op in the planned engine, when switched on ({@code -Dstfusion.opTimes=true} or
 * {@link #enable}): where a step's time goes, for {@code stfusion bench --op-times}. Off, it costs one branch.
 */
public final class OpTimes {
    private static volatile boolean enabled = Boolean.getBoolean("stfusion.opTimes");
    private static final Map<String, long[]> TOTALS = new TreeMap<>();

    private OpTimes() {
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
