package org.stfusion.core.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.stfusion.api.report.StrategyResult;

/**
 * The rank check's two statistical pieces: which sampled strategies to train alone, and how well the template's
 * ranking of them predicts the standalone one.
 */
final class RankCheck {
    /** Bootstrap resamples for the interval of tau; 2000 keeps the 2.5 % and 97.5 % percentiles stable to ~0.01. */
    static final int RESAMPLES = 2000;

    private RankCheck() {
    }

    /** A sampled strategy picked for the rank check, with its place in the template's ranking (1 = best). */
    record Pick(StrategyResult strategy, int templateRank) {
    }

    /**
     * Picks {@code count} distinct strategies (by units) spread evenly over the template's ranking, best and worst
     * included, so that tau measures the whole ranking and not only its top. {@code ranked} is best first.
     */
    static List<Pick> stratified(List<StrategyResult> ranked, int count) {
        Map<List<String>, StrategyResult> distinct = new LinkedHashMap<>();
        ranked.forEach(s -> distinct.putIfAbsent(s.units(), s));
        List<StrategyResult> ladder = new ArrayList<>(distinct.values());
        int n = ladder.size();
        int m = Math.min(count, n);
        List<Pick> picks = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            int rank = m == 1 ? 0 : (int) Math.round(i * (n - 1) / (double) (m - 1));
            picks.add(new Pick(ladder.get(rank), rank + 1));
        }
        return picks;
    }

    /** Kendall's tau-b (ties allowed) with a percentile bootstrap interval over the strategies; null when undefined. */
    record Correlation(double tau, Double low, Double high, int resamples) {
    }

    /**
     * Tau-b between {@code x} and {@code y} and its 95 % percentile bootstrap interval: strategies are resampled
     * with replacement {@link #RESAMPLES} times from a fixed seed, so the interval is reproducible. Null when tau
     * is undefined (fewer than two points, or one ranking all ties); the interval is null when fewer than half
     * the resamples have a defined tau.
     */
    static Correlation kendall(double[] x, double[] y, long seed) {
        Double tau = tauB(x, y);
        if (tau == null) {
            return null;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int n = x.length;
        double[] taus = new double[RESAMPLES];
        int defined = 0;
        double[] bx = new double[n];
        double[] by = new double[n];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < n; i++) {
                int k = rng.nextInt(n);
                bx[i] = x[k];
                by[i] = y[k];
            }
            Double t = tauB(bx, by);
            if (t != null) {
                taus[defined++] = t;
            }
        }
        if (defined < RESAMPLES / 2) {
            return new Correlation(tau, null, null, defined);
        }
        double[] sorted = Arrays.copyOf(taus, defined);
        Arrays.sort(sorted);
        return new Correlation(tau, percentile(sorted, 0.025), percentile(sorted, 0.975), defined);
    }

    static Double tauB(double[] x, double[] y) {
        if (x.length < 2) {
            return null;
        }
        double tau = new KendallsCorrelation().correlation(x, y);
        return Double.isNaN(tau) ? null : tau;
    }

    private static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
