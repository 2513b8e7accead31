package org.stfusion.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import com.google.inject.name.Named;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.PluginRef;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.DatasetSummary;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.analysis.Marginals;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.config.TrainingSettings;
import org.stfusion.core.data.BadItemLedger;
import org.stfusion.core.engine.FixedStrategy;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.engine.StandaloneNetwork;
import org.stfusion.core.engine.TemplateNetwork;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.sample.Scorer;
import org.stfusion.core.sample.StrategySampler;
import org.stfusion.core.sample.SuccessiveHalving;
import org.stfusion.core.study.FixedNetworkTrainer;
import org.stfusion.core.study.MarginalTransfer;
import org.stfusion.core.study.StudyResults;
import org.stfusion.core.train.Checkpoint;
import org.stfusion.core.train.ClipBatches;
import org.stfusion.core.train.Trainer;

/**
 * One experiment, read top-down as the pipeline: config → plugins → template → training (warm-up, then
 * Variational DropPath) → strategies sampled and scored with inherited weights → marginals → reporters.
 * Each stage also runs on its own over a run directory ({@code train}, {@code sample}, {@code analyze}).
 */
public final class Experiment implements AutoCloseable {
    public static final String CHECKPOINTS = "checkpoints";
    public static final String SCORES = "scores.json";
    public static final String STUDY = "study.json";
    private static final Logger LOG = LogManager.getLogger(Experiment.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExperimentConfig config;
    private final Path runDir;
    private final DatasetProvider datasetProvider;
    private final Dataset dataset;
    private final BackboneProvider backboneProvider;
    private final Backbone backbone;
    private final List<FusionPath> paths;
    private final List<PluginRef> fusionUnits;
    private final ReporterHub reporters;
    private final long started = System.nanoTime();
    private TemplateNetwork network;
    private ClipBatches loader;
    private boolean trained;
    private List<Map<String, Object>> history = List.of();

    @Inject
    Experiment(ExperimentConfig config, @Named("runDir") Path runDir, DatasetProvider datasetProvider, Dataset dataset,
               BackboneProvider backboneProvider, Backbone backbone, List<FusionPath> paths,
               @Named("fusionUnits") List<PluginRef> fusionUnits, ReporterHub reporters) {
        this.config = config;
        this.runDir = runDir;
        this.datasetProvider = datasetProvider;
        this.dataset = dataset;
        this.backboneProvider = backboneProvider;
        this.backbone = backbone;
        this.paths = paths;
        this.fusionUnits = fusionUnits;
        this.reporters = reporters;
    }

    /**
     * Resolves and creates every plugin the config names; any configuration mistake is thrown here as a
     * {@link ConfigException}, {@link DataException} or {@link UserException}, before any training.
     */
    public static Experiment open(PluginCatalog plugins, ExperimentConfig config, Path runDir, PrintStream console) {
        try {
            var injector = Guice.createInjector(com.google.inject.Stage.PRODUCTION,
                    new ExperimentModule(plugins, config, runDir, console));
            return injector.getInstance(Experiment.class);
        } catch (CreationException e) {
            throw userMistakeOr(e, e.getErrorMessages());
        } catch (ProvisionException e) {
            throw userMistakeOr(e, e.getErrorMessages());
        }
    }

    /** Guice wraps what a provider throws; a user's mistake is shown as itself, not as a wiring failure. */
    private static RuntimeException userMistakeOr(RuntimeException wrapper, java.util.Collection<com.google.inject.spi.Message> messages) {
        for (var message : messages) {
            for (Throwable t = message.getCause(); t != null; t = t.getCause()) {
                if (t instanceof ConfigException || t instanceof DataException || t instanceof UserException) {
                    return (RuntimeException) t;
                }
            }
        }
        return wrapper;
    }

    /** The whole method: train (continuing a killed run with {@code resume}), then sample, score, analyze. */
    public RunResults run(boolean resume) {
        train(resume);
        return sample();
    }

    /** Trains the template; with {@code resume}, continues from the run's last checkpoint. */
    public void train(boolean resume) {
        prepareRunDir();
        Path checkpoints = runDir.resolve(CHECKPOINTS);
        TemplateNetwork net = network();
        reporters.accept(new RunEvent.RunStarted(runDir.toString(), backboneProvider.name(), datasetProvider.name(),
                net.positions().size(), net.store().parameterCount(), net.template().macs()));
        try (Scorer scorer = new Scorer(net, dataset, loader(), config.sampling().evalBatchSize(), 0)) {
            Trainer trainer = new Trainer(net, dataset, loader(), config.training(), config.seed() + 1, checkpoints, pluginRefs(),
                    reporters, scorer);
            if (resume) {
                if (trainer.resume()) {
                    checkPlugins(Checkpoint.readManifest(checkpoints.resolve(Trainer.LAST)));
                } else {
                    LOG.info("no checkpoint in {}: starting from scratch", checkpoints);
                }
            } else if (Files.exists(checkpoints.resolve(Trainer.LAST))) {
                throw new UserException(runDir + " already holds a training run; pass --resume to continue it, "
                        + "or choose another output directory");
            }
            trainer.train();
            history = trainer.history();
        }
        trained = true;
    }

    /** Samples strategies from the trained template, scores them and the named ones, then analyzes. */
    public RunResults sample() {
        TemplateNetwork net = trainedNetwork();
        StrategySampler sampler = new StrategySampler(net, config.sampling());
        List<StrategySampler.Drawn> drawn = sampler.drawAll();
        Map<String, StrategyResult> named = new LinkedHashMap<>();
        List<StrategyResult> sampled = new ArrayList<>();
        Map<String, Object> halving = new LinkedHashMap<>();
        try (Scorer scorer = new Scorer(net, dataset, loader(), config.sampling().evalBatchSize(),
                config.sampling().bnRecalibration())) {
            int total = drawn.size() + (1 << paths.size()) - 1;
            reporters.accept(new RunEvent.ScoringStarted(total, dataset.size(Split.VALIDATION)));
            long start = System.nanoTime();
            // Identical masks score identically: each distinct strategy is scored once.
            Map<String, StrategySampler.Drawn> distinct = new LinkedHashMap<>();
            drawn.forEach(d -> distinct.putIfAbsent(key(d.pathKeep(), d.featureKeep()), d));
            int validation = dataset.size(Split.VALIDATION);
            Map<String, Scorer.Score> scores = new HashMap<>();
            Map<String, Integer> scoredOn = new HashMap<>();
            if (config.sampling().successiveHalving()) {
                var outcome = SuccessiveHalving.run(new ArrayList<>(distinct.keySet()), validation,
                        config.sampling().halvingFirstSlice(),
                        (k, items) -> scorer.score(distinct.get(k).pathKeep(), distinct.get(k).featureKeep(), items),
                        k -> net.template().macsWith(distinct.get(k).pathKeep()));
                scores.putAll(outcome.scores());
                scoredOn.putAll(outcome.scoredItems());
                halving.put("clipForwards", outcome.clipForwards());
                halving.put("fullScoringClipForwards", outcome.fullClipForwards());
                halving.put("saved", outcome.fullClipForwards() - outcome.clipForwards());
                LOG.info("successive halving: {} clip forwards instead of {}", outcome.clipForwards(), outcome.fullClipForwards());
            }
            int done = 0;
            for (StrategySampler.Drawn d : drawn) {
                String k = key(d.pathKeep(), d.featureKeep());
                Scorer.Score s = scores.computeIfAbsent(k, x -> scorer.score(d.pathKeep(), d.featureKeep()));
                Integer items = scoredOn.getOrDefault(k, validation);
                StrategyResult r = new StrategyResult(d.id(), d.seed(), StrategySampler.units(net, d.pathKeep()), s.top1(),
                        s.top5(), net.template().macsWith(d.pathKeep()), items < validation ? items : null);
                sampled.add(r);
                reporters.accept(new RunEvent.StrategyScored(r, ++done, total, (System.nanoTime() - start) / 1e9));
            }
            boolean[] features = new boolean[net.template().classifierFeatures()];
            java.util.Arrays.fill(features, true);
            for (int subset = 1; subset < (1 << paths.size()); subset++) {
                boolean[] keep = new boolean[net.gates().size()];
                for (GateInfo g : net.gates()) {
                    keep[g.index()] = g.layerGate() || (subset & (1 << g.pathIndex())) != 0;
                }
                String unit = StrategySampler.units(net, keep).get(0);
                StrategyResult r = result(net, unit, null, keep, scorer.score(keep, features));
                named.put(unit, r);
                reporters.accept(new RunEvent.StrategyScored(r, ++done, total, (System.nanoTime() - start) / 1e9));
            }
        }
        // Strategies scored on the whole set rank first (successive halving stopped the others early).
        sampled.sort(Comparator.comparingInt((StrategyResult r) -> r.scoredItems() == null ? Integer.MAX_VALUE : r.scoredItems())
                .reversed().thenComparing(Comparator.comparingDouble(StrategyResult::top1).reversed())
                .thenComparingLong(StrategyResult::macsPerClip).thenComparing(StrategyResult::id));
        writeScores(sampled, named, halving);
        return analyze();
    }

    /** Recomputes marginals from the trained template, joins the saved scores and reports the results. */
    public RunResults analyze() {
        TemplateNetwork net = trainedNetwork();
        Scores scores = readScores();
        Map<String, Object> training = trainingSummary(net);
        if (scores.successiveHalving() != null) {
            training.put("successiveHalving", scores.successiveHalving());
        }
        RunResults results = new RunResults(PluginRef.of(PluginCatalog.BACKBONE, backboneProvider), datasetSummary(),
                fusionUnits, backbone.settings(), net.store().parameterCount(), net.template().macs(),
                Marginals.compute(net), scores.strategies(), scores.named(),
                scores.strategies().isEmpty() ? null : scores.strategies().get(0), training);
        reporters.accept(new RunEvent.RunFinished(results, runDir.toString(), (System.nanoTime() - started) / 1e9));
        return results;
    }

    /**
     * The paper's Table 2 on this run: trains the template and scores strategies (as {@link #run}), then
     * trains all-S, all-ST, all-S+ST and Opt from scratch with the same budget and scores them; with
     * {@code study.rankCheck = M}, also the first M sampled strategies, for Kendall's tau between their
     * template scores and their standalone scores. Each finished network is saved in {@code study.json} at
     * once, so {@code resume} skips what a killed study had already trained.
     */
    public StudyResults study(boolean resume) {
        RunResults results = run(resume);
        if (results.best() == null) {
            throw new ConfigException("sampling.count", "the study needs Opt, the best sampled strategy: set sampling.count >= 1");
        }
        TemplateNetwork net = trainedNetwork();
        Path file = runDir.resolve(STUDY);
        StudyResults previous = resume && Files.isRegularFile(file) ? readJson(file, StudyResults.class) : null;
        var settings = config.study();
        var trainer = new FixedNetworkTrainer(dataset, loader(), settings, config.training().batchSize(),
                config.training().momentum(), config.training().lrDecay(), reporters);
        List<StudyResults.Row> rows = new ArrayList<>();
        List<StudyResults.RankPoint> ranks = new ArrayList<>();
        try (Scorer scorer = new Scorer(net, dataset, loader(), config.sampling().evalBatchSize(), 0)) {
            Map<String, StrategyResult> table = new LinkedHashMap<>(results.named());
            table.put("Opt", results.best());
            int k = 0;
            for (var e : table.entrySet()) {
                StudyResults.Row row = previousRow(previous, e.getKey(), e.getValue().units());
                if (row == null) {
                    row = trainStandalone(trainer, scorer, e.getKey(), e.getValue(), k);
                }
                rows.add(row);
                k++;
                writeJson(file, new StudyResults(pluginRefs(), rows, ranks, null, settings.epochs()));
            }
            List<StrategyResult> drawOrder = new ArrayList<>(results.strategies());
            drawOrder.sort(Comparator.comparing(StrategyResult::id));
            for (StrategyResult s : drawOrder.subList(0, Math.min(settings.rankCheck(), drawOrder.size()))) {
                StudyResults.Row row = previousRank(previous, s);
                if (row == null) {
                    row = trainStandalone(trainer, scorer, "rank " + s.id(), s, k);
                }
                ranks.add(new StudyResults.RankPoint(s.id(), s.top1(), row.top1()));
                k++;
                writeJson(file, new StudyResults(pluginRefs(), rows, ranks, null, settings.epochs()));
            }
        }
        // Undefined (null) with fewer than two strategies or when one of the rankings is all ties.
        Double tau = ranks.size() < 2 ? null : kendallTau(ranks);
        if (tau != null && tau.isNaN()) {
            tau = null;
        }
        StudyResults study = new StudyResults(pluginRefs(), rows, ranks, tau, settings.epochs());
        writeJson(file, study);
        return study;
    }

    /**
     * A scored strategy of this run as a descriptor: {@code best}, a named one ({@code S}, {@code ST},
     * {@code S+ST}) or a sampled id such as {@code s007}.
     */
    public StrategyDescriptor strategy(String id) {
        TemplateNetwork net = trainedNetwork();
        Scores scores = readScores();
        StrategyResult found = id.equals("best") ? (scores.strategies().isEmpty() ? null : scores.strategies().get(0))
                : scores.named().containsKey(id) ? scores.named().get(id)
                : scores.strategies().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
        if (found == null) {
            throw new UserException("no strategy '" + id + "' in " + runDir + "; use best, " + String.join(", ",
                    scores.named().keySet()) + " or a sampled id (" + scores.strategies().size() + " sampled, e.g. s001)");
        }
        Map<String, Map<String, List<Integer>>> sources = Map.of();
        if (net.vdp().perSource() && found.seed() != null) {
            // Units name the kept paths only; the sources each path keeps are redrawn from the strategy's seed.
            boolean[] keep = new StrategySampler(net, config.sampling()).draw(found.id(), found.seed()).pathKeep();
            sources = StrategySampler.keptSources(net, keep);
        }
        return new StrategyDescriptor(found.id(), PluginRef.of(PluginCatalog.BACKBONE, backboneProvider),
                net.positions().stream().map(PositionInfo::name).toList(), found.units(), found.seed(), sources);
    }

    /**
     * A strategy for this experiment's backbone derived from another run's marginals by relative depth
     * ({@link MarginalTransfer}); nothing is trained.
     */
    public StrategyDescriptor transfer(RunResults source) {
        List<String> positions = network().positions().stream().map(PositionInfo::name).toList();
        String id = "transfer-" + source.backbone().name() + "-to-" + backboneProvider.name();
        return MarginalTransfer.derive(source.positions(), PluginRef.of(PluginCatalog.BACKBONE, backboneProvider),
                positions, id);
    }

    /** What a materialised strategy is: its network, its descriptor read back from the network, its score. */
    public record Materialized(StandaloneNetwork network, StrategyDescriptor descriptor, double top1, Double top5) {
    }

    /**
     * Builds the standalone network of {@code strategy} (only the kept paths' weights exist), with the
     * template's trained weights and BN statistics copied in ({@code copyWeights}) or freshly initialised,
     * scores it on the validation split and, with {@code out}, saves it as a network file.
     */
    public Materialized materialize(StrategyDescriptor strategy, boolean copyWeights, Path out) {
        TemplateNetwork net = trainedNetwork();
        StandaloneNetwork standalone = standalone(strategy, config.seed() + 1000);
        if (copyWeights) {
            standalone.store().trainable().forEach((name, w) -> w.assign(net.store().trainable().get(name)));
            standalone.store().state().forEach((name, v) -> v.assign(net.store().state().get(name)));
        }
        Scorer.Score score;
        try (Scorer scorer = new Scorer(net, dataset, loader(), config.sampling().evalBatchSize(), 0)) {
            score = scorer.evaluate(standalone.evaluation(), Map.of());
        }
        StrategyDescriptor back = describe(standalone, strategy);
        if (out != null) {
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", "stfusion-network/1");
            manifest.put("plugins", pluginRefs());
            manifest.put("strategy", back);
            manifest.put("weights", copyWeights ? "template" : "initialised");
            manifest.put("parameters", standalone.parameterCount());
            manifest.put("macsPerClip", standalone.macsPerClip());
            manifest.put("top1", score.top1());
            try {
                Checkpoint.writeNetwork(out, JSON.convertValue(manifest, Map.class), standalone.store());
            } catch (IOException e) {
                throw new UserException("cannot write " + out + ": " + e.getMessage(), e);
            }
        }
        return new Materialized(standalone, back, score.top1(), score.top5());
    }

    /**
     * Trains {@code strategy} as a standalone network with the study's budget: from scratch, or fine-tuning
     * the template's weights ({@code fineTune}). Writes {@code retrain-<id>.json} into the run directory.
     */
    public StudyResults.Row retrain(StrategyDescriptor strategy, boolean fineTune) {
        TemplateNetwork net = trainedNetwork();
        StandaloneNetwork standalone = fineTune ? materialize(strategy, true, null).network()
                : standalone(strategy, config.seed() + 1000);
        var trainer = new FixedNetworkTrainer(dataset, loader(), config.study(), config.training().batchSize(),
                config.training().momentum(), config.training().lrDecay(), reporters);
        Scorer.Score score;
        try (Scorer scorer = new Scorer(net, dataset, loader(), config.sampling().evalBatchSize(), 0)) {
            score = trainer.train((fineTune ? "fine-tune " : "retrain ") + strategy.id(), standalone, config.seed() + 2000, scorer);
        }
        var row = new StudyResults.Row(strategy.id(), strategy.units(), standalone.parameterCount(), standalone.macsPerClip(),
                score.top1(), score.top5(), null);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("plugins", pluginRefs());
        record.put("strategy", strategy);
        record.put("mode", fineTune ? "fine-tune" : "from scratch");
        record.put("epochs", config.study().epochs());
        record.put("result", row);
        writeJson(retrainFile(strategy), record);
        return row;
    }

    /** Where {@link #retrain} writes its result for {@code strategy}. */
    public Path retrainFile(StrategyDescriptor strategy) {
        return runDir.resolve("retrain-" + fileSafe(strategy.id()) + ".json");
    }

    /** Where a materialised network of {@code strategy} goes unless the user names a file. */
    public Path networkFile(StrategyDescriptor strategy) {
        return runDir.resolve("network-" + fileSafe(strategy.id()) + ".zip");
    }

    private static String fileSafe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private StandaloneNetwork standalone(StrategyDescriptor strategy, long seed) {
        if (!strategy.backbone().name().equals(backboneProvider.name())) {
            throw new UserException("strategy " + strategy.id() + " is for backbone '" + strategy.backbone().name()
                    + "', this run uses '" + backboneProvider.name() + "'");
        }
        List<String> positions = network().positions().stream().map(PositionInfo::name).toList();
        if (!positions.equals(strategy.positions())) {
            throw new UserException("strategy " + strategy.id() + " names " + strategy.positions().size()
                    + " fusion positions that do not match this network's " + positions.size());
        }
        Map<String, BitSet> pathsAt = new HashMap<>();
        for (String position : positions) {
            String unit = strategy.unitAt(position);
            List<String> units = unit.equals(StrategyDescriptor.SKIP) ? List.of() : List.of(unit.split("\\+"));
            BitSet bits = new BitSet();
            for (int p = 0; p < paths.size(); p++) {
                bits.set(p, units.contains(paths.get(p).unitName()));
            }
            pathsAt.put(position, bits);
        }
        FixedStrategy fixed = new FixedStrategy() {
            @Override
            public BitSet paths(String position) {
                return pathsAt.get(position);
            }

            @Override
            public boolean layerKept(String position) {
                return !strategy.unitAt(position).equals(StrategyDescriptor.SKIP);
            }

            @Override
            public List<Integer> sources(String position, int path) {
                return strategy.sourcesOf(position, paths.get(path).unitName());
            }
        };
        return new StandaloneNetwork(backbone, dataset.inputSpec(), paths, fixed, network().store().dataType(), seed);
    }

    /** Reads the strategy back from a built network: which paths exist at each position. */
    private StrategyDescriptor describe(StandaloneNetwork standalone, StrategyDescriptor from) {
        List<String> units = new ArrayList<>();
        Map<String, Map<String, List<Integer>>> sources = new LinkedHashMap<>();
        for (PositionInfo pos : standalone.evaluation().positions()) {
            if (!pos.layerKept()) {
                units.add(StrategyDescriptor.SKIP);
                continue;
            }
            StringBuilder unit = new StringBuilder();
            for (int p = 0; p < paths.size(); p++) {
                if (pos.pathsPresent().get(p)) {
                    unit.append(unit.length() == 0 ? "" : "+").append(paths.get(p).unitName());
                    if (!pos.pathSources().get(p).isEmpty()) {
                        sources.computeIfAbsent(pos.name(), k -> new LinkedHashMap<>())
                                .put(paths.get(p).unitName(), pos.pathSources().get(p));
                    }
                }
            }
            units.add(unit.length() == 0 ? StrategyDescriptor.NONE : unit.toString());
        }
        return new StrategyDescriptor(from.id(), PluginRef.of(PluginCatalog.BACKBONE, backboneProvider),
                standalone.evaluation().positions().stream().map(PositionInfo::name).toList(), units, from.seed(), sources);
    }

    private StudyResults.Row trainStandalone(FixedNetworkTrainer trainer, Scorer scorer, String name, StrategyResult strategy,
                                             int index) {
        StrategyDescriptor descriptor = new StrategyDescriptor(name, PluginRef.of(PluginCatalog.BACKBONE, backboneProvider),
                network().positions().stream().map(PositionInfo::name).toList(), strategy.units(), strategy.seed());
        StandaloneNetwork standalone = standalone(descriptor, config.seed() + 1000 + index);
        Scorer.Score score = trainer.train("study " + name, standalone, config.seed() + 2000 + index, scorer);
        LOG.info("study: {} trained from scratch: top-1 {} (template score {}), {} parameters, {} MACs per clip", name,
                score.top1(), strategy.top1(), standalone.parameterCount(), standalone.macsPerClip());
        return new StudyResults.Row(name, strategy.units(), standalone.parameterCount(), standalone.macsPerClip(),
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

    /** Kendall's tau-b (ties allowed) between template-sampled and standalone top-1. */
    static double kendallTau(List<StudyResults.RankPoint> ranks) {
        double[] template = ranks.stream().mapToDouble(StudyResults.RankPoint::templateTop1).toArray();
        double[] standalone = ranks.stream().mapToDouble(StudyResults.RankPoint::standaloneTop1).toArray();
        return new KendallsCorrelation().correlation(template, standalone);
    }

    @Override
    public void close() {
        if (loader != null) {
            loader.close();
        }
        reporters.close();
        dataset.close();
    }

    // ---- stages' plumbing ----

    private TemplateNetwork network() {
        if (network == null) {
            TrainingSettings t = config.training();
            long n = t.trainingSize() > 0 ? t.trainingSize() : dataset.size(Split.TRAIN);
            DataType dt = t.dataType().equals("double") ? DataType.DOUBLE : DataType.FLOAT;
            network = new TemplateNetwork(backbone, dataset.inputSpec(), paths,
                    new VdpSettings(t.pInit(), t.temperature(), t.lengthScale(), n,
                            VdpSettings.Regulariser.valueOf(t.regulariser().toUpperCase(java.util.Locale.ROOT)),
                            t.layerGate(), t.dropRatePer().equals("source")), dt, config.seed());
            LOG.info("template: {} fusion positions, {} gated paths, {} parameters, {} MACs per clip",
                    network.positions().size(), network.gates().size(), network.store().parameterCount(),
                    network.template().macs());
        }
        return network;
    }

    /** The template with trained weights: this run's, or the run directory's finished checkpoint. */
    private TemplateNetwork trainedNetwork() {
        TemplateNetwork net = network();
        if (!trained) {
            Path last = runDir.resolve(CHECKPOINTS).resolve(Trainer.LAST);
            Checkpoint.Manifest m = Checkpoint.read(last, net.store(), new HashMap<>());
            checkPlugins(m);
            if (!"done".equals(m.stage())) {
                throw new UserException("training in " + runDir + " is not finished (warm-up " + m.warmupEpochsDone() + "/"
                        + config.training().warmupEpochs() + ", v-DropPath " + m.vdpEpochsDone() + "/"
                        + config.training().vdpEpochs() + " epochs): continue it with `stfusion train " + runDir + " --resume`");
            }
            history = m.history();
            trained = true;
        }
        return net;
    }

    private void prepareRunDir() {
        try {
            Files.createDirectories(runDir.resolve(CHECKPOINTS));
            config.save(runDir.resolve(ExperimentConfig.FILE_NAME));
        } catch (IOException e) {
            throw new UserException("cannot write to run directory " + runDir + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> pluginRefs() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backbone", Map.of("name", backboneProvider.name(), "version", backboneProvider.version()));
        m.put("dataset", Map.of("name", datasetProvider.name(), "version", datasetProvider.version(),
                "manifestHash", dataset.manifestHash()));
        m.put("fusionUnits", fusionUnits.stream().map(r -> Map.of("name", r.name(), "version", r.version())).toList());
        return m;
    }

    /** Plugins are resolved by name: a checkpoint made with other plugins than the config names is refused. */
    @SuppressWarnings("unchecked")
    private void checkPlugins(Checkpoint.Manifest m) {
        Map<String, Object> saved = m.plugins();
        String savedBackbone = ((Map<String, Object>) saved.get("backbone")).get("name").toString();
        String savedDataset = ((Map<String, Object>) saved.get("dataset")).get("name").toString();
        if (!savedBackbone.equals(backboneProvider.name()) || !savedDataset.equals(datasetProvider.name())) {
            throw new UserException("the checkpoint in " + runDir + " was made with backbone '" + savedBackbone
                    + "' and dataset '" + savedDataset + "', but the config names '" + backboneProvider.name() + "' and '"
                    + datasetProvider.name() + "'");
        }
        Object hash = ((Map<String, Object>) saved.get("dataset")).get("manifestHash");
        if (hash != null && !hash.equals(dataset.manifestHash())) {
            LOG.warn("dataset manifest differs from the one the checkpoint was trained on ({} vs {})", hash,
                    dataset.manifestHash());
        }
    }

    private StrategyResult result(TemplateNetwork net, String id, Long seed, boolean[] keep, Scorer.Score s) {
        return new StrategyResult(id, seed, StrategySampler.units(net, keep), s.top1(), s.top5(), net.template().macsWith(keep));
    }

    private static String key(boolean[] paths, boolean[] features) {
        StringBuilder b = new StringBuilder(paths.length + features.length + 1);
        for (boolean k : paths) {
            b.append(k ? '1' : '0');
        }
        b.append('|');
        for (boolean k : features) {
            b.append(k ? '1' : '0');
        }
        return b.toString();
    }

    private DatasetSummary datasetSummary() {
        BadItemLedger ledger = loader().ledger();
        Map<String, List<org.stfusion.api.data.BadItem>> bad = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            bad.put(split.label(), ledger.items(split));
        }
        return new DatasetSummary(datasetProvider.name(), datasetProvider.version(), dataset.size(Split.TRAIN),
                dataset.size(Split.VALIDATION), dataset.classNames(), dataset.manifestHash(), bad);
    }

    /**
     * The one clip loader of this experiment: decoding threads and the bad-item ledger (kept in the run
     * directory, so that a resumed run still lists what an earlier one skipped).
     */
    private ClipBatches loader() {
        if (loader == null) {
            var data = config.data();
            BadItemLedger ledger = new BadItemLedger(dataset, data.maxBadFraction(), runDir.resolve(BadItemLedger.FILE_NAME));
            loader = new ClipBatches(dataset, network().store().dataType(), data.workers(), data.prefetch(), ledger);
        }
        return loader;
    }

    private Map<String, Object> trainingSummary(TemplateNetwork net) {
        TrainingSettings t = config.training();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("warmupEpochs", t.warmupEpochs());
        m.put("vdpEpochs", t.vdpEpochs());
        m.put("batchSize", t.batchSize());
        m.put("regulariser", net.vdp().form().formula());
        m.put("lengthScale", net.vdp().lengthScale());
        m.put("trainingSize", net.vdp().trainingSize());
        m.put("pInit", net.vdp().pInit());
        m.put("temperature", net.vdp().temperature());
        m.put("layerGate", net.vdp().layerGates());
        m.put("dropRatePer", net.vdp().perSource() ? "source" : "path");
        m.put("classifierDropRate", net.classifierDropRate());
        m.put("samplingSeed", config.sampling().seed());
        m.put("classifierMaskSampled", config.sampling().classifierMask());
        m.put("bnRecalibrationBatches", config.sampling().bnRecalibration());
        m.put("seed", config.seed());
        m.put("history", history);
        return m;
    }

    /** Core's own record of the scores, so {@code analyze} can run again without rescoring. */
    record Scores(Map<String, Object> plugins, List<StrategyResult> strategies, Map<String, StrategyResult> named,
                  Map<String, Object> successiveHalving) {
    }

    private void writeScores(List<StrategyResult> sampled, Map<String, StrategyResult> named, Map<String, Object> halving) {
        writeJson(runDir.resolve(SCORES), new Scores(pluginRefs(), sampled, named, halving.isEmpty() ? null : halving));
    }

    /** Writes {@code value} to a temporary file and renames it, so a reader never sees half a file. */
    private static void writeJson(Path file, Object value) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static <T> T readJson(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Scores readScores() {
        Path file = runDir.resolve(SCORES);
        if (!Files.isRegularFile(file)) {
            throw new UserException("no scores in " + runDir + ": run `stfusion sample " + runDir + "` first");
        }
        return readJson(file, Scores.class);
    }
}
