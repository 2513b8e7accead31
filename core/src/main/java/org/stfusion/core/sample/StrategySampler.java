package org.stfusion.core.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.config.SamplingSettings;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;

/**
 * Draws fusion strategies from the learned drop rates (paper Eq. 6): per path gate, drop when
 * {@code u >= 1 - p} ({@code keep = 1 - floor(u + p)}, as in the authors' code, NAS_utils/ops.py). Strategy
 * {@code i} uses its own seed, derived from the sampling seed, so any single strategy can be drawn again from
 * its recorded seed.
 */
public final class StrategySampler {
    private static final int MAX_REDRAWS = 10_000;
    private final TemplateNetwork net;
    private final SamplingSettings settings;

    public StrategySampler(TemplateNetwork net, SamplingSettings settings) {
        this.net = net;
        this.settings = settings;
    }

    /** A drawn strategy: 0/1 per path gate and per classifier feature. */
    public record Drawn(String id, long seed, boolean[] pathKeep, boolean[] featureKeep) {
        /** Equal for equal masks: strategies with the same key score the same. */
        public String key() {
            StringBuilder b = new StringBuilder(pathKeep.length + featureKeep.length + 1);
            for (boolean k : pathKeep) {
                b.append(k ? '1' : '0');
            }
            b.append('|');
            for (boolean k : featureKeep) {
                b.append(k ? '1' : '0');
            }
            return b.toString();
        }
    }

    /** Every non-empty set of the {@code paths} configured paths (bit i = path i), in increasing bit order. */
    public static List<BitSet> pathSubsets(int paths) {
        List<BitSet> out = new ArrayList<>();
        for (int subset = 1; subset < (1 << paths); subset++) {
            out.add(BitSet.valueOf(new long[] {subset}));
        }
        return out;
    }

    /** The strategy with the paths of {@code unitSet} at every position (layer gates kept): a named strategy. */
    public static boolean[] everywhere(TemplateNetwork net, BitSet unitSet) {
        boolean[] keep = new boolean[net.gates().size()];
        for (GateInfo g : net.gates()) {
            keep[g.index()] = g.layerGate() || unitSet.get(g.pathIndex());
        }
        return keep;
    }

    /**
     * The hard mask of the template's path and layer gates that {@code strategy} keeps: the inverse of {@link #units}
     * and {@link #keptSources}.
     */
    public static boolean[] pathKeep(TemplateNetwork net, StrategyDescriptor strategy) {
        boolean[] keep = new boolean[net.gates().size()];
        for (GateInfo g : net.gates()) {
            String unit = strategy.unitAt(g.position());
            if (g.layerGate()) {
                keep[g.index()] = !unit.equals(StrategyDescriptor.SKIP);
                continue;
            }
            List<Integer> sources = strategy.sourcesOf(g.position(), g.unitName());
            keep[g.index()] = List.of(unit.split("\\+")).contains(g.unitName())
                    && (sources == null || sources.contains(g.source()));
        }
        return keep;
    }

    /** Every classifier feature kept. */
    public static boolean[] allFeatures(TemplateNetwork net) {
        boolean[] features = new boolean[net.template().classifierFeatures()];
        Arrays.fill(features, true);
        return features;
    }

    public List<Drawn> drawAll() {
        List<Drawn> out = new ArrayList<>();
        for (int i = 0; i < settings.count(); i++) {
            long seed = strategySeed(settings.seed(), i);
            out.add(draw(String.format("s%03d", i + 1), seed));
        }
        return out;
    }

    private static int mostLikelyKept(PositionInfo pos, double[] p) {
        int best = -1;
        for (int g : pos.allPathGates()) {
            if (best < 0 || p[g] < p[best]) {
                best = g;
            }
        }
        return best;
    }

    public static long strategySeed(long samplingSeed, int index) {
        return samplingSeed * 1_000_003L + index;
    }

    public Drawn draw(String id, long seed) {
        RunRandom u = new RunRandom(seed);
        double[] p = net.dropRates();
        boolean[] keep = new boolean[p.length];
        for (PositionInfo pos : net.positions()) {
            List<Integer> pathGates = pos.allPathGates();
            boolean any;
            int tries = 0;
            do {
                any = false;
                for (int g : pathGates) {
                    keep[g] = Math.floor(u.nextDouble() + p[g]) == 0;
                    any |= keep[g];
                }
            } while (!any && !pathGates.isEmpty() && !settings.allowEmptyPositions() && ++tries < MAX_REDRAWS);
            if (!any && !pathGates.isEmpty() && !settings.allowEmptyPositions()) {
                keep[mostLikelyKept(pos, p)] = true; // every path almost surely dropped: keep the likeliest
            }
            if (pos.layerGate() >= 0) {
                keep[pos.layerGate()] = Math.floor(u.nextDouble() + p[pos.layerGate()]) == 0;
            }
        }
        boolean[] features = new boolean[net.template().classifierFeatures()];
        if (settings.classifierMask()) {
            double pf = net.classifierDropRate();
            for (int i = 0; i < features.length; i++) {
                features[i] = Math.floor(u.nextDouble() + pf) == 0;
            }
        } else {
            Arrays.fill(features, true);
        }
        return new Drawn(id, seed, keep, features);
    }

    /**
     * The unit at every position: the names of the paths with at least one kept gate joined with "+", "none"
     * when no path is kept, or {@link StrategyDescriptor#SKIP} when the layer gate (D1) is dropped.
     */
    public static List<String> units(TemplateNetwork net, boolean[] keep) {
        List<String> units = new ArrayList<>();
        for (PositionInfo pos : net.positions()) {
            if (pos.layerGate() >= 0 && !keep[pos.layerGate()]) {
                units.add(StrategyDescriptor.SKIP);
                continue;
            }
            StringBuilder unit = new StringBuilder();
            for (int i = 0; i < pos.pathGates().size(); i++) {
                if (pos.pathGates().get(i).stream().anyMatch(g -> keep[g])) {
                    unit.append(unit.length() == 0 ? "" : "+").append(net.paths().get(i).unitName());
                }
            }
            units.add(unit.length() == 0 ? StrategyDescriptor.NONE : unit.toString());
        }
        return units;
    }

    /**
     * With drop rates per (path, source): for every kept path that does not read all of its sources, the
     * sources it keeps, by position and unit name; empty with one gate per path.
     */
    public static Map<String, Map<String, List<Integer>>> keptSources(TemplateNetwork net, boolean[] keep) {
        Map<String, Map<String, List<Integer>>> out = new LinkedHashMap<>();
        for (PositionInfo pos : net.positions()) {
            if (pos.layerGate() >= 0 && !keep[pos.layerGate()]) {
                continue;
            }
            for (int i = 0; i < pos.pathGates().size(); i++) {
                List<Integer> gates = pos.pathGates().get(i);
                List<Integer> kept = new ArrayList<>();
                for (int g : gates) {
                    if (keep[g]) {
                        kept.add(net.gates().get(g).source());
                    }
                }
                if (gates.size() > 1 && !kept.isEmpty() && kept.size() < gates.size()) {
                    out.computeIfAbsent(pos.name(), k -> new LinkedHashMap<>()).put(net.paths().get(i).unitName(), kept);
                }
            }
        }
        return out;
    }
}
