package org.stfusion.core.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.config.StudySettings;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.strategy.Materializer;

/**
 * The paper's Table 2 on a finished run: all-S, all-ST, all-S+ST and Opt trained anew with the same budget, from the
 * same start as the template (random weights, or the 2D ImageNet weights of {@code backbone.inflate}), each beside its template score; with {@code study.rankCheck = M} also the first M sampled strategies,
 * for Kendall's tau between their template and standalone scores. Every finished network is saved in
 * {@code study.json} at once, so a resumed study skips what a killed one had already trained.
 */
public final class Study {
    private static final Logger LOG = LogManager.getLogger(Study.class);

    private final Materializer materializer;
    private final FixedNetworkTrainer trainer;
    private final Scorer scorer;
    private final RunDirectory runDir;
    private final Provenance provenance;
    private final StudySettings settings;
    private final long seed;
    private final Consumer<ParameterStore> initialise;
    private final String start;

    /**
     * @param initialise writes the template's starting weights over a new network's random ones where it has them
     *                   (ImageNet inflation), or nothing
     * @param start      what that start is, for the log and retrain files ("from scratch", "inflated from FILE")
     */
    public Study(Materializer materializer, FixedNetworkTrainer trainer, Scorer scorer, RunDirectory runDir,
                 Provenance provenance, StudySettings settings, long seed, Consumer<ParameterStore> initialise,
                 String start) {
        this.materializer = materializer;
        this.trainer = trainer;
        this.scorer = scorer;
        this.runDir = runDir;
        this.provenance = provenance;
        this.settings = settings;
        this.seed = seed;
        this.initialise = initialise;
        this.start = start;
    }

    public StudyResults run(RunResults results, boolean resume, Consumer<String> warn) {
        if (results.best() == null) {
            throw new ConfigException("sampling.count", "the study needs Opt, the best sampled strategy: set sampling.count >= 1");
        }
        Path file = runDir.study();
        StudyResults previous = null;
        if (resume && Files.isRegularFile(file)) {
            previous = runDir.readJson(file, StudyResults.class);
            if (previous.plugins() != null) {
                provenance.requireCompatible(previous.plugins(), file.toString(), true, warn);
            }
        }
        List<StudyResults.Row> rows = new ArrayList<>();
        List<StudyResults.RankPoint> ranks = new ArrayList<>();
        Map<String, StrategyResult> table = new LinkedHashMap<>(results.named());
        table.put("Opt", results.best());
        int k = 0;
        for (var e : table.entrySet()) {
            StudyResults.Row row = previousRow(previous, e.getKey(), e.getValue().units());
            rows.add(row != null ? row : trainStandalone(e.getKey(), e.getValue(), k));
            k++;
            runDir.writeJson(file, new StudyResults(provenance, rows, ranks, null, settings.epochs(), start));
        }
        List<StrategyResult> drawOrder = new ArrayList<>(results.strategies());
        drawOrder.sort(Comparator.comparing(StrategyResult::id));
        for (StrategyResult s : drawOrder.subList(0, Math.min(settings.rankCheck(), drawOrder.size()))) {
            StudyResults.Row row = previousRank(previous, s);
            if (row == null) {
                row = trainStandalone("rank " + s.id(), s, k);
            }
            ranks.add(new StudyResults.RankPoint(s.id(), s.top1(), row.top1()));
            k++;
            runDir.writeJson(file, new StudyResults(provenance, rows, ranks, null, settings.epochs(), start));
        }
        StudyResults study = new StudyResults(provenance, rows, ranks, kendallTau(ranks), settings.epochs(), start);
        runDir.writeJson(file, study);
        return study;
    }

    /**
     * Trains {@code strategy} as a standalone network with the study's budget: from scratch, or fine-tuning the
     * template's weights ({@code fineTune}); writes {@code retrain-<id>.json}.
     */
    public StudyResults.Row retrain(StrategyDescriptor strategy, boolean fineTune) {
        StandaloneNetwork network = materializer.build(strategy, seed + 1000);
        if (fineTune) {
            materializer.copyTemplateWeights(network);
        } else {
            initialise.accept(network.store());
        }
        Scorer.Score score = trainer.train((fineTune ? "fine-tune " : "retrain ") + strategy.id(), network, seed + 2000, scorer);
        var row = new StudyResults.Row(strategy.id(), strategy.units(), network.parameterCount(), network.macsPerClip(),
                score.top1(), score.top5(), null);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("plugins", provenance);
        record.put("strategy", strategy);
        record.put("mode", fineTune ? "fine-tune" : start);
        record.put("epochs", settings.epochs());
        record.put("result", row);
        runDir.writeJson(runDir.retrainResult(strategy.id()), record);
        return row;
    }

    private StudyResults.Row trainStandalone(String name, StrategyResult strategy, int index) {
        StrategyDescriptor descriptor = materializer.descriptor(name, strategy.units(), strategy.seed(), Map.of());
        StandaloneNetwork network = materializer.build(descriptor, seed + 1000 + index);
        initialise.accept(network.store());
        Scorer.Score score = trainer.train("study " + name, network, seed + 2000 + index, scorer);
        LOG.info("study: {} trained " + start + ": top-1 {} (template score {}), {} parameters, {} MACs per clip", name,
                score.top1(), strategy.top1(), network.parameterCount(), network.macsPerClip());
        return new StudyResults.Row(name, strategy.units(), network.parameterCount(), network.macsPerClip(),
                score.top1(), score.top5(), strategy.top1());
    }

    private static StudyResults.Row previousRow(StudyResults previous, String name, List<String> units) {
        if (previous == null) {
            return null;
        }
        return previous.rows().stream().filter(r -> r.name().equals(name) && r.units().equals(units)).findFirst().orElse(null);
    }

    private static StudyResults.Row previousRank(StudyResults previous, StrategyResult s) {
        if (previous == null) {
            return null;
        }
        return previous.rankCheck().stream().filter(r -> r.id().equals(s.id())).findFirst()
                .map(r -> new StudyResults.Row(r.id(), s.units(), 0, 0, r.standaloneTop1(), null, r.templateTop1()))
                .orElse(null);
    }

    /**
     * Kendall's tau-b (ties allowed) between template-sampled and standalone top-1; null with fewer than two
     * strategies or when one ranking is all ties, where it is undefined.
     */
    static Double kendallTau(List<StudyResults.RankPoint> ranks) {
        if (ranks.size() < 2) {
            return null;
        }
        double[] template = ranks.stream().mapToDouble(StudyResults.RankPoint::templateTop1).toArray();
        double[] standalone = ranks.stream().mapToDouble(StudyResults.RankPoint::standaloneTop1).toArray();
        double tau = new KendallsCorrelation().correlation(template, standalone);
        return Double.isNaN(tau) ? null : tau;
    }
}
