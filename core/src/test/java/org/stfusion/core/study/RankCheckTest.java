package org.stfusion.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.stfusion.api.report.StrategyResult;

class RankCheckTest {

    @Test
    void picksAreSpreadEvenlyOverTheTemplateRankingBestAndWorstIncluded() {
        List<StrategyResult> ranked = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ranked.add(strategy("s" + i, List.of("S", "u" + i), 1 - i / 100.0));
        }
        List<RankCheck.Pick> picks = RankCheck.stratified(ranked, 12);
        assertEquals(12, picks.size());
        assertEquals(1, picks.get(0).templateRank());
        assertEquals("s0", picks.get(0).strategy().id());
        assertEquals(100, picks.get(11).templateRank());
        assertEquals("s99", picks.get(11).strategy().id());
        for (int i = 1; i < picks.size(); i++) {
            int gap = picks.get(i).templateRank() - picks.get(i - 1).templateRank();
            assertTrue(gap == 9 || gap == 10, "gap " + gap + " between picks " + (i - 1) + " and " + i);
        }
    }

    @Test
    void strategiesWithTheSameUnitsArePickedOnceAndCountsBeyondTheDistinctOnesTakeThemAll() {
        List<StrategyResult> ranked = List.of(strategy("a", List.of("S"), 0.9), strategy("b", List.of("S"), 0.9),
                strategy("c", List.of("ST"), 0.8), strategy("d", List.of("S+ST"), 0.7));
        List<RankCheck.Pick> picks = RankCheck.stratified(ranked, 10);
        assertEquals(List.of("a", "c", "d"), picks.stream().map(p -> p.strategy().id()).toList());
        assertEquals(List.of(1, 2, 3), picks.stream().map(RankCheck.Pick::templateRank).toList());
    }

    @Test
    void tauBMatchesTheDefinitionCountedPairByPairWithTies() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + rng.nextInt(20);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rng.nextInt(5); // few values: many ties
                y[i] = x[i] + rng.nextInt(4);
            }
            Double expected = tauBByPairs(x, y);
            Double actual = RankCheck.tauB(x, y);
            if (expected == null) {
                assertNull(actual);
            } else {
                assertEquals(expected, actual, 1e-12, "trial " + trial);
            }
        }
    }

    @Test
    void tauIsUndefinedForOnePointOrARankingOfTies() {
        assertNull(Study.rankCorrelation(List.of(new StudyResults.RankPoint("a", 0.1, 0.2)), 1).get("run"));
        assertTrue(Study.rankCorrelation(List.of(new StudyResults.RankPoint("a", 1, 0.2),
                new StudyResults.RankPoint("b", 1, 0.6)), 1).isEmpty());
    }

    @Test
    void tauIsGivenPerScoringProtocolTheRunsFirst() {
        List<StudyResults.RankPoint> points = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // Recalibrated scores agree with standalone, the template statistics' scores are reversed.
            points.add(new StudyResults.RankPoint("s" + i, i, i, i + 1,
                    Map.of("recalibrated", (double) i, "template", (double) -i)));
        }
        points = points.stream().map(p -> new StudyResults.RankPoint(p.id(), p.templateTop1(), p.standaloneTop1(),
                p.templateRank(), orderedProtocols(p.templateTop1ByProtocol()))).toList();
        var correlation = Study.rankCorrelation(points, 7);
        assertEquals(List.of("recalibrated", "template"), List.copyOf(correlation.keySet()));
        assertEquals(1.0, correlation.get("recalibrated").tau(), 1e-12);
        assertEquals(-1.0, correlation.get("template").tau(), 1e-12);
        assertEquals(6, correlation.get("template").points());
        // Perfectly ordered data stay perfectly ordered in every resample that has a defined tau.
        assertEquals(1.0, correlation.get("recalibrated").low(), 1e-12);
        assertEquals(1.0, correlation.get("recalibrated").high(), 1e-12);
    }

    @Test
    void bootstrapIntervalIsReproducibleAndBracketsTau() {
        double[][] data = noisyPairs(new SplittableRandom(11), 15, 0.5);
        RankCheck.Correlation a = RankCheck.kendall(data[0], data[1], 42);
        RankCheck.Correlation b = RankCheck.kendall(data[0], data[1], 42);
        assertNotNull(a.low());
        assertEquals(a, b);
        assertTrue(a.low() <= a.tau() && a.tau() <= a.high(), a.toString());
        assertTrue(a.high() - a.low() > 0.1, "15 noisy points cannot pin tau down: " + a);
    }

    /**
     * The 95 % interval covers the population tau (estimated on 20,000 pairs of the same law) in most of 60
     * samples of 15 strategies; the percentile bootstrap is approximate at this size, so 80 % is required.
     */
    @Test
    void bootstrapIntervalCoversThePopulationTauMostOfTheTime() {
        SplittableRandom rng = new SplittableRandom(5);
        double[][] population = noisyPairs(rng, 20_000, 0.7);
        double truth = fastTau(population[0], population[1]);
        int covered = 0;
        int trials = 60;
        for (int t = 0; t < trials; t++) {
            double[][] sample = noisyPairs(rng, 15, 0.7);
            RankCheck.Correlation c = RankCheck.kendall(sample[0], sample[1], t);
            if (c != null && c.low() != null && c.low() <= truth && truth <= c.high()) {
                covered++;
            }
        }
        assertTrue(covered >= 0.8 * trials, covered + " of " + trials + " intervals cover tau = " + truth);
    }

    private static Map<String, Double> orderedProtocols(Map<String, Double> byProtocol) {
        var ordered = new java.util.LinkedHashMap<String, Double>();
        ordered.put("recalibrated", byProtocol.get("recalibrated"));
        ordered.put("template", byProtocol.get("template"));
        return ordered;
    }

    private static double[][] noisyPairs(SplittableRandom rng, int n, double noise) {
        double[][] xy = new double[2][n];
        for (int i = 0; i < n; i++) {
            xy[0][i] = rng.nextDouble();
            xy[1][i] = xy[0][i] + noise * rng.nextDouble();
        }
        return xy;
    }

    /** Tau-a on continuous data without ties (equal to tau-b there), by sorting one coordinate: O(n log n + n^2/8). */
    private static double fastTau(double[] x, double[] y) {
        int n = 3000; // a 3000-pair subsample estimates tau to about +-0.01
        long concordant = 0;
        long discordant = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = Math.signum(x[i] - x[j]) * Math.signum(y[i] - y[j]);
                if (s > 0) {
                    concordant++;
                } else if (s < 0) {
                    discordant++;
                }
            }
        }
        return (concordant - discordant) / (double) (concordant + discordant);
    }

    /** Tau-b = (C - D) / sqrt((C + D + Tx)(C + D + Ty)), Tx / Ty the pairs tied in x only / y only. */
    private static Double tauBByPairs(double[] x, double[] y) {
        long c = 0;
        long d = 0;
        long tx = 0;
        long ty = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
                double dx = Math.signum(x[i] - x[j]);
                double dy = Math.signum(y[i] - y[j]);
                if (dx == 0 && dy == 0) {
                    continue;
                } else if (dx == 0) {
                    tx++;
                } else if (dy == 0) {
                    ty++;
                } else if (dx == dy) {
                    c++;
                } else {
                    d++;
                }
            }
        }
        double denominator = Math.sqrt((double) (c + d + tx) * (c + d + ty));
        return denominator == 0 ? null : (c - d) / denominator;
    }

    private static StrategyResult strategy(String id, List<String> units, double top1) {
        return new StrategyResult(id, 1L, units, top1, null, 1);
    }
}
