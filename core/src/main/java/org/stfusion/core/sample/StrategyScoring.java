package org.stfusion.core.sample;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.config.SamplingSettings;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.execution.ScoreRequest;
import org.stfusion.core.execution.ScoringBackend;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.train.NumericChecks;

/**
 * Scores sampled strategies and the named ones (the same unit at every position: all-S, all-ST, all-S+ST with
 * the two standard paths) on the validation split with the template's weights, under the run's
 * {@link ScoringProtocol}; the named ones and the best sampled one are scored under the other protocol too, so
 * that what batch-norm recalibration changes is visible. Identical strategies are scored once; with successive
 * halving, most are scored on a slice of the validation set only.
 */
public final class StrategyScoring {
    private static final Logger LOG = LogManager.getLogger(StrategyScoring.class);

    private final TemplateNetwork net;
    private final ScoringBackend backend;
    private final ScoringProtocol protocol;
    private final ScoringProtocol otherProtocol;
    private final SamplingSettings settings;
    private final int validationItems;
    private final Consumer<RunEvent> events;

    /**
     * Scores through {@code backend} (in this process or on a cluster: the same scores either way), with batch-norm
     * statistics as {@code settings.bnRecalibration()} says.
     */
    public StrategyScoring(TemplateNetwork net, ScoringBackend backend, SamplingSettings settings, int validationItems,
                           Consumer<RunEvent> events) {
        this.net = net;
        this.backend = backend;
        this.protocol = ScoringProtocol.of(settings.bnRecalibration());
        this.otherProtocol = ScoringProtocol.of(protocol.bnRecalibrationBatches() > 0 ? 0 : SamplingSettings.DEFAULT_BN_RECALIBRATION);
        this.settings = settings;
        this.validationItems = validationItems;
        this.events = events;
    }

    /** Scores {@code drawn} and the named strategies; the sampled ones come back best first. */
    public Scores score(List<StrategySampler.Drawn> drawn, Provenance provenance) {
        String broken = NumericChecks.firstNonFinite(net.store().trainable());
        if (broken == null) {
            broken = NumericChecks.firstNonFinite(net.store().state());
        }
        if (broken != null) {
            LOG.warn("the template's '{}' holds NaN or infinite values: every strategy keeping it gives non-finite "
                    + "logits, scores 0 and is flagged (nonFiniteItems)", broken);
        }
        Scores scores;
        try (var shared = backend.sharing(protocol.bnRecalibrationBatches())) {
            scores = scoreAll(drawn, provenance); // every round under the run's protocol: one stem per clip
        }
        // Outside the sharing, whose stem has the run protocol's statistics: the named strategies and the best
        // sampled one under the other protocol too, one more round of requests.
        Map<String, boolean[]> namedStrategies = namedStrategies();
        boolean[] allFeatures = StrategySampler.allFeatures(net);
        List<ScoreRequest> other = new ArrayList<>();
        namedStrategies.forEach((unit, keep) -> other.add(request(NAMED + unit, keep, allFeatures, ScoreRequest.ALL, otherProtocol)));
        List<StrategyResult> strategies = new ArrayList<>(scores.strategies());
        StrategySampler.Drawn best = strategies.isEmpty() ? null
                : drawn.stream().filter(d -> d.id().equals(strategies.get(0).id())).findFirst().orElseThrow();
        if (best != null) {
            other.add(request(SAMPLED + best.key(), best.pathKeep(), best.featureKeep(), ScoreRequest.ALL, otherProtocol));
        }
        Map<String, Scorer.Score> otherScores = backend.score(other, r -> { });
        Map<String, StrategyResult> named = new LinkedHashMap<>();
        namedStrategies.keySet().forEach(unit -> named.put(unit, bothWays(scores.named().get(unit),
                otherScores.get(NAMED + unit))));
        if (best != null) {
            strategies.set(0, bothWays(strategies.get(0), otherScores.get(SAMPLED + best.key())));
        }
        return new Scores(scores.plugins(), strategies, named, scores.successiveHalving(), protocol);
    }

    /** Top-1 of the strategy drawn as {@code d} on the whole validation set under both protocols, the run's first. */
    public Map<String, Double> top1BothWays(StrategySampler.Drawn d) {
        Map<String, Scorer.Score> scores = backend.score(List.of(
                request(protocol.name(), d.pathKeep(), d.featureKeep(), ScoreRequest.ALL, protocol),
                request(otherProtocol.name(), d.pathKeep(), d.featureKeep(), ScoreRequest.ALL, otherProtocol)), r -> { });
        Map<String, Double> byProtocol = new LinkedHashMap<>();
        byProtocol.put(protocol.name(), scores.get(protocol.name()).top1());
        byProtocol.put(otherProtocol.name(), scores.get(otherProtocol.name()).top1());
        return byProtocol;
    }

    /** Request keys: a sampled strategy by its masks, a named one by its unit (they cannot collide). */
    private static final String SAMPLED = "sampled:";
    private static final String NAMED = "named:";

    private static ScoreRequest request(String key, boolean[] pathKeep, boolean[] featureKeep, int items,
                                        ScoringProtocol under) {
        return new ScoreRequest(key, pathKeep, featureKeep, items, under.bnRecalibrationBatches());
    }

    /** {@code r} with its top-1 under both protocols: its own, then {@code other}'s. */
    private StrategyResult bothWays(StrategyResult r, Scorer.Score other) {
        Map<String, Double> byProtocol = new LinkedHashMap<>();
        byProtocol.put(protocol.name(), r.top1());
        byProtocol.put(otherProtocol.name(), other.top1());
        return r.withTop1ByProtocol(byProtocol);
    }

    private Scores scoreAll(List<StrategySampler.Drawn> drawn, Provenance provenance) {
        Map<String, boolean[]> namedStrategies = namedStrategies();
        int total = drawn.size() + namedStrategies.size();
        events.accept(new RunEvent.ScoringStarted(total, validationItems));
        long start = System.nanoTime();
        Map<String, StrategySampler.Drawn> distinct = new LinkedHashMap<>();
        drawn.forEach(d -> distinct.putIfAbsent(d.key(), d));
        Map<String, List<StrategySampler.Drawn>> byKey = new HashMap<>();
        drawn.forEach(d -> byKey.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d));
        Map<String, Scorer.Score> scores = new HashMap<>();
        Map<String, Integer> scoredOn = new HashMap<>();
        Map<String, Object> halving = null;
        List<StrategyResult> sampled = new ArrayList<>();
        Map<String, StrategyResult> named = new LinkedHashMap<>();
        boolean[] allFeatures = StrategySampler.allFeatures(net);
        int[] done = {0};
        // Reports a result as soon as its final score is known: every drawn id of a sampled key, or a named unit.
        Consumer<String> finished = key -> {
            if (key.startsWith(NAMED)) {
                String unit = key.substring(NAMED.length());
                boolean[] keep = namedStrategies.get(unit);
                Scorer.Score s = scores.get(key);
                StrategyResult r = new StrategyResult(unit, null, StrategySampler.units(net, keep), s.top1(), s.top5(),
                        net.template().macsWith(keep)).withNonFiniteItems(s.nonFiniteItems()).withHeldOutTop1(s.heldOutTop1());
                named.put(unit, r);
                events.accept(new RunEvent.StrategyScored(r, ++done[0], total, (System.nanoTime() - start) / 1e9));
                return;
            }
            String k = key.substring(SAMPLED.length());
            Scorer.Score s = scores.get(key);
            int items = scoredOn.getOrDefault(k, validationItems);
            for (StrategySampler.Drawn d : byKey.get(k)) {
                StrategyResult r = new StrategyResult(d.id(), d.seed(), StrategySampler.units(net, d.pathKeep()), s.top1(),
                        s.top5(), net.template().macsWith(d.pathKeep()), items < validationItems ? items : null)
                        .withNonFiniteItems(s.nonFiniteItems()).withHeldOutTop1(s.heldOutTop1());
                sampled.add(r);
                events.accept(new RunEvent.StrategyScored(r, ++done[0], total, (System.nanoTime() - start) / 1e9));
            }
        };
        List<ScoreRequest> last = new ArrayList<>();
        if (settings.successiveHalving()) {
            var outcome = SuccessiveHalving.runInRounds(new ArrayList<>(distinct.keySet()), validationItems,
                    settings.halvingFirstSlice(), (List<String> round, int items) -> {
                        List<ScoreRequest> requests = new ArrayList<>();
                        for (String k : round) {
                            StrategySampler.Drawn d = distinct.get(k);
                            requests.add(request(k, d.pathKeep(), d.featureKeep(), items, protocol));
                        }
                        return backend.score(requests, r -> { });
                    },
                    k -> net.template().macsWith(distinct.get(k).pathKeep()));
            outcome.scores().forEach((k, s) -> scores.put(SAMPLED + k, s));
            scoredOn.putAll(outcome.scoredItems());
            halving = new LinkedHashMap<>();
            halving.put("clipForwards", outcome.clipForwards());
            halving.put("fullScoringClipForwards", outcome.fullClipForwards());
            halving.put("saved", outcome.fullClipForwards() - outcome.clipForwards());
            LOG.info("successive halving: {} clip forwards instead of {}", outcome.clipForwards(), outcome.fullClipForwards());
            distinct.keySet().forEach(k -> finished.accept(SAMPLED + k));
        } else {
            distinct.forEach((k, d) -> last.add(request(SAMPLED + k, d.pathKeep(), d.featureKeep(), ScoreRequest.ALL, protocol)));
        }
        namedStrategies.forEach((unit, keep) -> last.add(request(NAMED + unit, keep, allFeatures, ScoreRequest.ALL, protocol)));
        backend.score(last, r -> {
            scores.put(r.key(), r.score());
            finished.accept(r.key());
        });
        long flagged = sampled.stream().filter(StrategyResult::nonFinite).count()
                + named.values().stream().filter(StrategyResult::nonFinite).count();
        if (flagged > 0) {
            LOG.warn("{} of {} strategies gave non-finite logits on some validation clips; they score 0 and are flagged "
                    + "(nonFiniteItems in the results)", flagged, total);
        }
        // Named ones in their fixed order; strategies scored on the whole set rank first (successive halving
        // stopped the others early).
        Map<String, StrategyResult> namedInOrder = new LinkedHashMap<>();
        namedStrategies.keySet().forEach(unit -> namedInOrder.put(unit, named.get(unit)));
        sampled.sort(Comparator.comparingInt((StrategyResult r) -> r.scoredItems() == null ? Integer.MAX_VALUE : r.scoredItems())
                .reversed().thenComparing(Comparator.comparingDouble(StrategyResult::top1).reversed())
                .thenComparingLong(StrategyResult::macsPerClip).thenComparing(StrategyResult::id));
        return new Scores(provenance, sampled, namedInOrder, halving, protocol);
    }

    /** The same unit at every position, for every unit: path masks by unit name. */
    private Map<String, boolean[]> namedStrategies() {
        Map<String, boolean[]> named = new LinkedHashMap<>();
        for (BitSet unitSet : StrategySampler.pathSubsets(net.paths().size())) {
            boolean[] keep = StrategySampler.everywhere(net, unitSet);
            named.put(StrategySampler.units(net, keep).get(0), keep);
        }
        return named;
    }
}
