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
    private final Scorer scorer;
    private final Scorer otherScorer;
    private final ScoringProtocol protocol;
    private final ScoringProtocol otherProtocol;
    private final SamplingSettings settings;
    private final int validationItems;
    private final Consumer<RunEvent> events;

    /** {@code scorer} is recalibrated as {@code settings.bnRecalibration()} says, here. */
    public StrategyScoring(TemplateNetwork net, Scorer scorer, SamplingSettings settings, int validationItems,
                           Consumer<RunEvent> events) {
        this.net = net;
        this.protocol = ScoringProtocol.of(settings.bnRecalibration());
        this.otherProtocol = ScoringProtocol.of(protocol.bnRecalibrationBatches() > 0 ? 0 : SamplingSettings.DEFAULT_BN_RECALIBRATION);
        this.scorer = scorer.recalibrating(protocol.bnRecalibrationBatches());
        this.otherScorer = scorer.recalibrating(otherProtocol.bnRecalibrationBatches());
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
        try (var shared = scorer.sharingUngatedPrefix()) {
            scores = scoreAll(drawn, provenance);
        }
        // Outside the sharing: a shared stem was computed with the run protocol's statistics.
        Map<String, StrategyResult> named = new LinkedHashMap<>();
        namedStrategies().forEach((unit, keep) -> named.put(unit, bothWays(scores.named().get(unit), keep,
                StrategySampler.allFeatures(net))));
        List<StrategyResult> strategies = new ArrayList<>(scores.strategies());
        if (!strategies.isEmpty()) {
            StrategySampler.Drawn best = drawn.stream().filter(d -> d.id().equals(strategies.get(0).id())).findFirst().orElseThrow();
            strategies.set(0, bothWays(strategies.get(0), best.pathKeep(), best.featureKeep()));
        }
        return new Scores(scores.plugins(), strategies, named, scores.successiveHalving(), protocol);
    }

    /** Top-1 of the strategy drawn as {@code d} on the whole validation set under both protocols, the run's first. */
    public Map<String, Double> top1BothWays(StrategySampler.Drawn d) {
        Map<String, Double> byProtocol = new LinkedHashMap<>();
        byProtocol.put(protocol.name(), scorer.score(d.pathKeep(), d.featureKeep()).top1());
        byProtocol.put(otherProtocol.name(), otherScorer.score(d.pathKeep(), d.featureKeep()).top1());
        return byProtocol;
    }

    /** {@code r} with its top-1 under both protocols. */
    private StrategyResult bothWays(StrategyResult r, boolean[] pathKeep, boolean[] featureKeep) {
        Map<String, Double> byProtocol = new LinkedHashMap<>();
        byProtocol.put(protocol.name(), r.top1());
        byProtocol.put(otherProtocol.name(), otherScorer.score(pathKeep, featureKeep).top1());
        return r.withTop1ByProtocol(byProtocol);
    }

    private Scores scoreAll(List<StrategySampler.Drawn> drawn, Provenance provenance) {
        Map<String, boolean[]> namedStrategies = namedStrategies();
        int total = drawn.size() + namedStrategies.size();
        events.accept(new RunEvent.ScoringStarted(total, validationItems));
        long start = System.nanoTime();
        Map<String, StrategySampler.Drawn> distinct = new LinkedHashMap<>();
        drawn.forEach(d -> distinct.putIfAbsent(d.key(), d));
        Map<String, Scorer.Score> scores = new HashMap<>();
        Map<String, Integer> scoredOn = new HashMap<>();
        Map<String, Object> halving = null;
        if (settings.successiveHalving()) {
            var outcome = SuccessiveHalving.run(new ArrayList<>(distinct.keySet()), validationItems,
                    settings.halvingFirstSlice(),
                    (k, items) -> scorer.score(distinct.get(k).pathKeep(), distinct.get(k).featureKeep(), items),
                    k -> net.template().macsWith(distinct.get(k).pathKeep()));
            scores.putAll(outcome.scores());
            scoredOn.putAll(outcome.scoredItems());
            halving = new LinkedHashMap<>();
            halving.put("clipForwards", outcome.clipForwards());
            halving.put("fullScoringClipForwards", outcome.fullClipForwards());
            halving.put("saved", outcome.fullClipForwards() - outcome.clipForwards());
            LOG.info("successive halving: {} clip forwards instead of {}", outcome.clipForwards(), outcome.fullClipForwards());
        }
        int done = 0;
        List<StrategyResult> sampled = new ArrayList<>();
        for (StrategySampler.Drawn d : drawn) {
            Scorer.Score s = scores.computeIfAbsent(d.key(), x -> scorer.score(d.pathKeep(), d.featureKeep()));
            int items = scoredOn.getOrDefault(d.key(), validationItems);
            StrategyResult r = new StrategyResult(d.id(), d.seed(), StrategySampler.units(net, d.pathKeep()), s.top1(),
                    s.top5(), net.template().macsWith(d.pathKeep()), items < validationItems ? items : null)
                    .withNonFiniteItems(s.nonFiniteItems()).withHeldOutTop1(s.heldOutTop1());
            sampled.add(r);
            events.accept(new RunEvent.StrategyScored(r, ++done, total, (System.nanoTime() - start) / 1e9));
        }
        Map<String, StrategyResult> named = new LinkedHashMap<>();
        boolean[] allFeatures = StrategySampler.allFeatures(net);
        for (var e : namedStrategies.entrySet()) {
            String unit = e.getKey();
            boolean[] keep = e.getValue();
            Scorer.Score s = scorer.score(keep, allFeatures);
            StrategyResult r = new StrategyResult(unit, null, StrategySampler.units(net, keep), s.top1(), s.top5(),
                    net.template().macsWith(keep)).withNonFiniteItems(s.nonFiniteItems()).withHeldOutTop1(s.heldOutTop1());
            named.put(unit, r);
            events.accept(new RunEvent.StrategyScored(r, ++done, total, (System.nanoTime() - start) / 1e9));
        }
        long flagged = sampled.stream().filter(StrategyResult::nonFinite).count()
                + named.values().stream().filter(StrategyResult::nonFinite).count();
        if (flagged > 0) {
            LOG.warn("{} of {} strategies gave non-finite logits on some validation clips; they score 0 and are flagged "
                    + "(nonFiniteItems in the results)", flagged, total);
        }
        // Strategies scored on the whole set rank first (successive halving stopped the others early).
        sampled.sort(Comparator.comparingInt((StrategyResult r) -> r.scoredItems() == null ? Integer.MAX_VALUE : r.scoredItems())
                .reversed().thenComparing(Comparator.comparingDouble(StrategyResult::top1).reversed())
                .thenComparingLong(StrategyResult::macsPerClip).thenComparing(StrategyResult::id));
        return new Scores(provenance, sampled, named, halving, protocol);
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
