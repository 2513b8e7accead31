package org.stfusion.core.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.stfusion.core.config.SamplingSettings;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.engine.TemplateNetwork;
import org.stfusion.core.train.RunRandom;

/**
 * Draws fusion strategies from the learned drop rates (spec §7.8): per path gate, drop when
 * {@code u >= 1 - p} ({@code keep = 1 - floor(u + p)}). Strategy {@code i} uses its own seed, derived from
 * the sampling seed, so any single strategy can be drawn again from its recorded seed.
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
        for (int g : pos.gateIndices()) {
            if (g >= 0 && (best < 0 || p[g] < p[best])) {
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
            boolean any;
            int tries = 0;
            do {
                any = false;
                for (int g : pos.gateIndices()) {
                    if (g >= 0) {
                        keep[g] = Math.floor(u.nextDouble() + p[g]) == 0;
                        any |= keep[g];
                    }
                }
            } while (!any && !settings.allowEmptyPositions() && ++tries < MAX_REDRAWS);
            if (!any && !settings.allowEmptyPositions()) {
                keep[mostLikelyKept(pos, p)] = true; // every path almost surely dropped: keep the likeliest
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

    /** The unit at every position: kept path unit names joined with "+", or "none". */
    public static List<String> units(TemplateNetwork net, boolean[] keep) {
        List<String> units = new ArrayList<>();
        for (PositionInfo pos : net.positions()) {
            StringBuilder unit = new StringBuilder();
            for (int i = 0; i < pos.gateIndices().size(); i++) {
                int g = pos.gateIndices().get(i);
                if (g >= 0 && keep[g]) {
                    unit.append(unit.length() == 0 ? "" : "+").append(net.paths().get(i).unitName());
                }
            }
            units.add(unit.length() == 0 ? "none" : unit.toString());
        }
        return units;
    }
}
