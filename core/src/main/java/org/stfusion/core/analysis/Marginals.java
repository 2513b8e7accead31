package org.stfusion.core.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.network.TemplateNetwork;

/**
 * Per-position marginals (paper Eq. 7, supp. S14-S17), keyed by the fusion units' names in the order of
 * {@code fusion.paths}: a path is kept with probability {@code 1 - √p} (p = p̂·p̃ with equal factors), not
 * {@code 1 - p}. The unit marginals multiply independent paths: with the two standard paths, S = a(1-b),
 * ST = (1-a)b, S+ST = ab. That combination is inferred from the paper's Fig. 4, not written in the paper.
 * <p>With drop rates per (path, source), a path is absent only when every source gate drops, so its drop rate is
 * the product of theirs (each source's own rate is listed as {@code "S@j"}). With a layer gate D1, every unit is
 * scaled by D1's kept marginal and the rest is the unit {@code "skip"}.
 */
public final class Marginals {
    private Marginals() {
    }

    public static double kept(double drop) {
        return 1 - Math.sqrt(drop);
    }

    public static List<PositionMarginal> compute(TemplateNetwork net) {
        double[] p = net.dropRates();
        List<PositionMarginal> out = new ArrayList<>();
        for (PositionInfo pos : net.positions()) {
            int n = pos.pathGates().size();
            double[] keptPath = new double[n];
            Map<String, Double> drop = new LinkedHashMap<>();
            Map<String, Double> perSource = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                List<Integer> gates = pos.pathGates().get(i);
                String unit = net.paths().get(i).unitName();
                double pi = 1; // an absent path (no gate) is always dropped; otherwise the product of its gates
                for (int g : gates) {
                    pi *= p[g];
                    if (gates.size() > 1) {
                        perSource.put(unit + "@" + net.gates().get(g).source(), p[g]);
                    }
                }
                keptPath[i] = kept(pi);
                drop.put(unit, pi);
            }
            drop.putAll(perSource);
            double keptLayer = 1;
            if (pos.layerGate() >= 0) {
                drop.put("D1", p[pos.layerGate()]);
                keptLayer = kept(p[pos.layerGate()]);
            }
            Map<String, Double> kept = new LinkedHashMap<>();
            drop.forEach((name, rate) -> kept.put(name, kept(rate)));
            Map<String, Double> units = new LinkedHashMap<>();
            for (int subset = 1; subset < (1 << n); subset = next(subset, n)) {
                double prob = 1;
                StringBuilder name = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    boolean in = (subset & (1 << i)) != 0;
                    prob *= in ? keptPath[i] : 1 - keptPath[i];
                    if (in) {
                        name.append(name.length() == 0 ? "" : "+").append(net.paths().get(i).unitName());
                    }
                }
                units.put(name.toString(), prob * keptLayer);
            }
            if (pos.layerGate() >= 0) {
                units.put(StrategyDescriptor.SKIP, 1 - keptLayer);
            }
            out.add(new PositionMarginal(pos.name(), drop, kept, units));
        }
        return out;
    }

    /** Subsets in order of size, then index: S, ST, S+ST for two paths. */
    private static int next(int subset, int n) {
        int size = Integer.bitCount(subset);
        for (int s = subset + 1; s < (1 << n); s++) {
            if (Integer.bitCount(s) == size) {
                return s;
            }
        }
        for (int s = 1; s < (1 << n); s++) {
            if (Integer.bitCount(s) == size + 1) {
                return s;
            }
        }
        return 1 << n;
    }
}
