package org.stfusion.core.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.config.StudySettings;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingBackend;
import org.stfusion.core.execution.TrainingRequest;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.strategy.Materializer;

/**
 * The paper's Table 2 on a finished run: all-S, all-ST, all-S+ST and Opt trained anew with the same budget, from the
 * same start as the template (random weights, or the 2D ImageNet weights of {@code backbone.inflate}), each beside its
 * template score; with {@code study.rankCheck = M} also M sampled strategies spread evenly over the template's
 * ranking, for Kendall's tau between their template and standalone scores (under both scoring protocols, with
 * bootstrap intervals). Every finished network is saved in {@code study.json} at once, so a resumed study skips
 * what a killed one had already trained. With a cluster ({@code distributed}), all the networks are trained there at
 * once, a task each, with the seeds they get here; each task records its network in {@code study/} as it finishes
 * ({@link FinishedTrainings}), which a resumed study reads too. The template's scores are computed here either way.
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
    private final TemplateScores templateScores;

    /** A sampled strategy's top-1 in the template on the whole validation set, by scoring protocol, the run's first. */
    @FunctionalInterface
    public interface TemplateScores {
        Map<String, Double> top1ByProtocol(StrategyResult strategy);
    }
    private final Consumer<ParameterStore> initialise;
    private final String start;
    /** Where the trainings run when not here, one after the other: a cluster's tasks, a training each. */
    private final Optional<TrainingBackend> distributed;

    /**
     * @param initialise writes the template's starting weights over a new network's random ones where it has them
     *                   (ImageNet inflation), or nothing
     * @param start      what that start is, for the log and retrain files ("from scratch", "inflated from FILE")
     * @param distributed where the study's trainings run, all at once, when not in this process
     */
    public Study(Materializer materializer, FixedNetworkTrainer trainer, Scorer scorer, RunDirectory runDir,
                 Provenance provenance, StudySettings settings, long seed, Consumer<ParameterStore> initialise,
                 String start, TemplateScores templateScores, Optional<TrainingBackend> distributed) {
        this.templateScores = templateScores;
        this.materializer = materializer;
        this.trainer = trainer;
        this.scorer = scorer;
        this.runDir = runDir;
        this.provenance = provenance;
        this.settings = settings;
        this.seed = seed;
        this.initialise = initialise;
        this.start = start;
        this.distributed = distributed;
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
        List<RankCheck.Pick> picks = RankCheck.stratified(results.strategies(), settings.rankCheck());
        Map<String, TrainedStandalone> trained = distributed.isPresent()
                ? trainDistributed(distributed.get(), table, picks, previous, resume, warn) : Map.of();
        int k = 0;
        for (var e : table.entrySet()) {
            StudyResults.Row row = previousRow(previous, e.getKey(), e.getValue().units());
            rows.add(row != null ? row : trainStandalone(e.getKey(), e.getValue(), k, trained));
            k++;
            runDir.writeJson(file, new StudyResults(provenance, rows, ranks, null, settings.epochs(), start));
        }
        for (RankCheck.Pick pick : picks) {
            StrategyResult s = pick.strategy();
            StudyResults.RankPoint done = previousRank(previous, s);
            double standalone = done != null ? done.standaloneTop1()
                    : trainStandalone("rank " + s.id(), s, k, trained).top1();
            Map<String, Double> template = done != null && done.templateTop1ByProtocol() != null
                    ? done.templateTop1ByProtocol() : templateScores.top1ByProtocol(s);
            ranks.add(new StudyResults.RankPoint(s.id(), template.values().iterator().next(), standalone,
                    pick.templateRank(), template));
            k++;
            runDir.writeJson(file, new StudyResults(provenance, rows, ranks, null, settings.epochs(), start));
        }
        Map<String, StudyResults.Tau> correlation = rankCorrelation(ranks, seed);
        Double tau = correlation.isEmpty() ? null : correlation.values().iterator().next().tau();
        StudyResults study = new StudyResults(provenance, rows, ranks, tau, settings.epochs(), start,
                correlation.isEmpty() ? null : correlation);
        runDir.writeJson(file, study);
        return study;
    }

    /**
     * Trains {@code strategy} as a standalone network with the study's budget: from scratch, or fine-tuning the
     * template's weights ({@code fineTune}); writes {@code retrain-<id>.json}.
     */
    public StudyResults.Row retrain(StrategyDescriptor strategy, boolean fineTune) {
        StudyResults.Row row = retrainHere(strategy, fineTune);
        recordRetrain(strategy, fineTune, row);
        return row;
    }

    /** Trains {@code strategy}'s network as {@link #retrain} does, writing nothing. */
    public StudyResults.Row retrainHere(StrategyDescriptor strategy, boolean fineTune) {
        StandaloneNetwork network = materializer.build(strategy, seed + 1000);
        if (fineTune) {
            materializer.copyTemplateWeights(network);
        } else {
            initialise.accept(network.store());
        }
        Scorer.Score score = trainer.train((fineTune ? "fine-tune " : "retrain ") + strategy.id(), network, seed + 2000, scorer);
        return new StudyResults.Row(strategy.id(), strategy.units(), network.parameterCount(), network.macsPerClip(),
                score.top1(), score.top5(), null);
    }

    /** Writes {@code retrain-<id>.json}: the strategy, how it was trained, and {@code row}. */
    public void recordRetrain(StrategyDescriptor strategy, boolean fineTune, StudyResults.Row row) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("plugins", provenance);
        record.put("strategy", strategy);
        record.put("mode", fineTune ? "fine-tune" : start);
        record.put("epochs", settings.epochs());
        record.put("result", row);
        runDir.writeJson(runDir.retrainResult(strategy.id()), record);
    }

    /** The row of {@code strategy}: trained elsewhere already ({@code trained}, by name), or trained here now. */
    private StudyResults.Row trainStandalone(String name, StrategyResult strategy, int index,
                                             Map<String, TrainedStandalone> trained) {
        TrainedStandalone t = trained.get(name);
        if (t == null) {
            t = train(new TrainingRequest(name, strategy.units(), strategy.seed(), index));
        }
        Scorer.Score score = t.score();
        LOG.info("study: {} trained " + start + ": top-1 {} (template score {}), {} parameters, {} MACs per clip", name,
                score.top1(), strategy.top1(), t.parameters(), t.macsPerClip());
        return new StudyResults.Row(name, strategy.units(), t.parameters(), t.macsPerClip(), score.top1(), score.top5(),
                strategy.top1());
    }

    /** One standalone network of the study, built, initialised and trained exactly as {@code request} says. */
    private TrainedStandalone train(TrainingRequest request) {
        StrategyDescriptor descriptor = materializer.descriptor(request.name(), request.units(), request.strategySeed(),
                Map.of());
        StandaloneNetwork network = materializer.build(descriptor, seed + 1000 + request.index());
        initialise.accept(network.store());
        Scorer.Score score = trainer.train("study " + request.name(), network, seed + 2000 + request.index(), scorer);
        return new TrainedStandalone(request, network.parameterCount(), network.macsPerClip(), score);
    }

    /**
     * What one task of a distributed study does: trains {@code request} as the study in this process would, writing
     * nothing (the submitting process records the result, {@link FinishedTrainings}).
     */
    public TrainedStandalone trainForTask(TrainingRequest request) {
        return train(request);
    }

    /**
     * Trains, in the cluster's tasks and all at once, every network the loops of {@link #run} would train one by one:
     * those {@code previous} (study.json) has no row for, less, when resuming, those an earlier submission recorded.
     * Returns them by name.
     */
    private Map<String, TrainedStandalone> trainDistributed(TrainingBackend backend, Map<String, StrategyResult> table,
                                                            List<RankCheck.Pick> picks, StudyResults previous,
                                                            boolean resume, Consumer<String> warn) {
        List<TrainingRequest> wanted = new ArrayList<>();
        int k = 0;
        for (var e : table.entrySet()) {
            if (previousRow(previous, e.getKey(), e.getValue().units()) == null) {
                wanted.add(new TrainingRequest(e.getKey(), e.getValue().units(), e.getValue().seed(), k));
            }
            k++;
        }
        for (RankCheck.Pick pick : picks) {
            StrategyResult s = pick.strategy();
            if (previousRank(previous, s) == null) {
                wanted.add(new TrainingRequest("rank " + s.id(), s.units(), s.seed(), k));
            }
            k++;
        }
        Map<String, TrainedStandalone> trained = new LinkedHashMap<>();
        List<TrainingRequest> toTrain = new ArrayList<>();
        for (TrainingRequest r : wanted) {
            TrainedStandalone done = resume ? finishedTrainings().find(r, warn) : null;
            if (done != null) {
                trained.put(r.name(), done);
            } else {
                toTrain.add(r);
            }
        }
        if (!trained.isEmpty()) {
            LOG.info("study: {} of {} trainings were finished by an earlier submission: {}", trained.size(),
                    wanted.size(), String.join(", ", trained.keySet()));
        }
        if (!toTrain.isEmpty()) {
            LOG.info("study: training {} networks on {}, a task each", toTrain.size(), backend.describe());
            FinishedTrainings records = finishedTrainings();
            for (TrainedStandalone t : backend.train(toTrain, done -> {
                synchronized (records) {
                    records.record(done); // the moment it arrives: a later failure or kill does not lose it
                }
            })) {
                trained.put(t.request().name(), t);
            }
        }
        return trained;
    }

    private FinishedTrainings finishedTrainings() {
        return new FinishedTrainings(runDir, provenance, settings.epochs(), start);
    }

    private static StudyResults.Row previousRow(StudyResults previous, String name, List<String> units) {
        if (previous == null) {
            return null;
        }
        return previous.rows().stream().filter(r -> r.name().equals(name) && r.units().equals(units)).findFirst().orElse(null);
    }

    private static StudyResults.RankPoint previousRank(StudyResults previous, StrategyResult s) {
        if (previous == null || previous.rankCheck() == null) {
            return null;
        }
        return previous.rankCheck().stream().filter(r -> r.id().equals(s.id())).findFirst().orElse(null);
    }

    /**
     * Kendall's tau-b (ties allowed) between template and standalone top-1 under each scoring protocol the points
     * carry, the run's first, with its bootstrap interval; a protocol where tau is undefined (fewer than two
     * strategies, or one ranking all ties) is left out.
     */
    static Map<String, StudyResults.Tau> rankCorrelation(List<StudyResults.RankPoint> ranks, long seed) {
        Map<String, StudyResults.Tau> out = new LinkedHashMap<>();
        if (ranks.isEmpty()) {
            return out;
        }
        double[] standalone = ranks.stream().mapToDouble(StudyResults.RankPoint::standaloneTop1).toArray();
        Map<String, Double> first = ranks.get(0).templateTop1ByProtocol();
        List<String> protocols = first == null ? List.of("") : List.copyOf(first.keySet());
        for (String protocol : protocols) {
            double[] template = ranks.stream().mapToDouble(r -> r.templateTop1ByProtocol() == null
                    ? r.templateTop1() : r.templateTop1ByProtocol().get(protocol)).toArray();
            RankCheck.Correlation c = RankCheck.kendall(template, standalone, seed);
            if (c != null) {
                out.put(protocol.isEmpty() ? "run" : protocol,
                        new StudyResults.Tau(c.tau(), c.low(), c.high(), ranks.size(), c.resamples()));
            }
        }
        return out;
    }
}
