package org.stfusion.core;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import com.google.inject.name.Named;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.PluginRef;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.report.DatasetSummary;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;
import org.stfusion.core.analysis.Marginals;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.data.BadItemLedger;
import org.stfusion.core.export.ModelExports;
import org.stfusion.core.inflate.ImageNetInflation;
import org.stfusion.core.inflate.TemplateInflation;
import org.stfusion.core.network.NativeBackend;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.UserException;
import org.stfusion.core.sample.Scores;
import org.stfusion.core.sample.StrategySampler;
import org.stfusion.core.sample.StrategyScoring;
import org.stfusion.core.session.RunSession;
import org.stfusion.core.strategy.RunStrategies;
import org.stfusion.core.study.RunStudy;
import org.stfusion.core.train.CheckpointStore;
import org.stfusion.core.train.DataParallel;
import org.stfusion.core.train.Trainer;

/**
 * One experiment, read top-down as the method: config → plugins → template → training (warm-up, then
 * Variational DropPath) → strategies sampled and scored with inherited weights → marginals → reporters.
 * Each stage also runs on its own over a run directory ({@code train}, {@code sample}, {@code analyze}). What
 * builds on a trained run has a class of its own, reached through {@link #strategies}, {@link #exports} and
 * {@link #study}; the pieces they all use are made once, on first use, by one {@link RunSession}.
 */
public final class Experiment implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Experiment.class);

    private final RunSession session;
    private final ExperimentConfig config;
    private final RunDirectory runDir;
    private final Dataset dataset;
    private final ReporterHub reporters;
    private final TemplateInflation inflation;
    private final RunStrategies strategies;
    private final ModelExports exports;
    private final RunStudy study;
    private final long started = System.nanoTime();

    @Inject
    Experiment(ExperimentConfig config, RunDirectory runDir, DatasetProvider datasetProvider, Dataset dataset,
               BackboneProvider backboneProvider, Backbone backbone, List<FusionPath> paths,
               @Named("fusionUnits") List<PluginRef> fusionUnits, Provenance provenance, ReporterHub reporters,
               PluginCatalog plugins) {
        this.session = new RunSession(plugins, config, runDir, dataset, PluginRef.of(PluginCatalog.DATASET, datasetProvider),
                PluginRef.of(PluginCatalog.BACKBONE, backboneProvider), backbone, paths, fusionUnits, provenance);
        this.config = config;
        this.runDir = runDir;
        this.dataset = dataset;
        this.reporters = reporters;
        this.inflation = new TemplateInflation(session);
        this.strategies = new RunStrategies(session);
        this.exports = new ModelExports(session, strategies);
        this.study = new RunStudy(session, strategies, inflation, reporters);
    }

    /**
     * Resolves and creates every plugin the config names; any configuration mistake is thrown here as a
     * {@link ConfigException}, {@link DataException} or {@link UserException}, before any training.
     */
    public static Experiment open(PluginCatalog plugins, ExperimentConfig config, Path runDir, PrintStream console) {
        return open(plugins, config, runDir, console, true);
    }

    /** A task's view of a trained run ({@link ScoringTask}): the same network and data, no reporters. */
    static Experiment openForTask(PluginCatalog plugins, ExperimentConfig config, Path runDir, PrintStream console) {
        Experiment experiment = open(plugins, config, runDir, console, false);
        experiment.session.readOnly();
        return experiment;
    }

    private static Experiment open(PluginCatalog plugins, ExperimentConfig config, Path runDir, PrintStream console,
                                   boolean withReporters) {
        config.engine(); // an engine the backend cannot run is a config mistake, reported before anything is built
        try {
            var injector = Guice.createInjector(com.google.inject.Stage.PRODUCTION,
                    new ExperimentModule(plugins, config, runDir, console, withReporters));
            return injector.getInstance(Experiment.class);
        } catch (CreationException e) {
            throw userMistakeOr(e, e.getErrorMessages());
        } catch (ProvisionException e) {
            throw userMistakeOr(e, e.getErrorMessages());
        }
    }

    /** Guice wraps what a provider throws; a user's mistake is shown as itself, not as a wiring failure. */
    private static RuntimeException userMistakeOr(RuntimeException wrapper, Collection<com.google.inject.spi.Message> messages) {
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

    /** Trains the template; with {@code resume}, continues from the run's newest good checkpoint. */
    public void train(boolean resume) {
        checkCanTrain(resume);
        TemplateNetwork net = session.network();
        runDir.prepare(config);
        reporters.accept(new RunEvent.RunStarted(runDir.root().toString(), session.backboneRef().name(),
                session.datasetRef().name(), net.positions().size(), net.store().parameterCount(), net.template().macs()));
        Trainer trainer = new Trainer(net, dataset, session.loader(), config.training(), config.seed() + 1,
                runDir.checkpoints(), session.provenance(), reporters, session.scorer());
        if (trainer.resume()) {
            inflation.warnIfChanged(trainer.initialisation());
        } else {
            trainer.initialisedAs(inflation.initialise(net));
            LOG.info("no checkpoint in {}: a new training; initial weights {}", runDir.checkpoints(),
                    ImageNetInflation.describe(trainer.initialisation()));
        }
        session.initialisedAs(trainer.initialisation());
        DataParallel parallel = session.dataParallel();
        if (parallel != null) {
            trainer.parallel(parallel);
        }
        trainer.train();
        session.trained(trainer.history());
    }

    /** Refuses {@code --out} onto a run that has trained already unless resuming; cheap, nothing is opened. */
    public static void refuseRetraining(RunDirectory dir, boolean resume) {
        if (!resume && new CheckpointStore(dir.checkpoints(), 1).exists()) {
            throw new UserException(dir.root() + " already holds a training run; pass --resume to continue it, "
                    + "or choose another output directory");
        }
    }

    /**
     * Refuses, before anything is written, to train over a run that has trained already (unless resuming), or
     * to resume one whose checkpoint was made for another network or other data.
     */
    public void checkCanTrain(boolean resume) {
        checkExecution();
        refuseRetraining(runDir, resume);
        CheckpointStore checkpoints = session.checkpoints();
        if (!checkpoints.exists()) {
            inflation.check(); // a training will start: its 2D weights must be there and fit, before anything is written
            return;
        }
        session.requireCompatible(checkpoints.newestManifest(LOG::warn).plugins(), checkpoints.folder(), true);
    }

    /**
     * Refuses, before anything is written, an execution engine this installation does not have. Only commands that
     * use it ask: a run made on Spark can still be exported or analysed where Spark is not installed.
     */
    public void checkExecution() {
        if (config.execution().engine() != org.stfusion.core.config.ExecutionSettings.Kind.LOCAL) {
            org.stfusion.core.execution.ExecutionEngines.require(config.execution());
        }
    }

    /** Samples strategies from the trained template, scores them and the named ones, then analyzes. */
    public RunResults sample() {
        TemplateNetwork net = session.trainedNetwork();
        List<StrategySampler.Drawn> drawn = new StrategySampler(net, config.sampling()).drawAll();
        Scores scores = new StrategyScoring(net, session.scoring(), config.sampling(), dataset.size(Split.VALIDATION),
                reporters).score(drawn, session.provenance());
        runDir.writeJson(runDir.scores(), scores);
        return analyze();
    }

    /** Recomputes marginals from the trained template, joins the saved scores and reports the results. */
    public RunResults analyze() {
        TemplateNetwork net = session.trainedNetwork();
        Scores scores = session.scores();
        RunResults results = new RunResults(RunResults.FORMAT, session.backboneRef(), datasetSummary(),
                session.fusionUnits(), session.backbone().settings(), net.store().parameterCount(), net.template().macs(),
                Marginals.compute(net), scores.strategies(), scores.named(), scores.best(), scores.protocol(),
                trainingSummary(net, scores));
        reporters.accept(new RunEvent.RunFinished(results, runDir.root().toString(), (System.nanoTime() - started) / 1e9));
        reporters.requireNoFailure(runDir.root(), runDir.scores());
        return results;
    }

    /**
     * The trained template's strategies drawn as {@code sampling} says, as requests to score on the whole validation
     * set under the run's protocol (for benchmarks of {@link #scoring()}).
     */
    public List<org.stfusion.core.execution.ScoreRequest> sampledRequests() {
        TemplateNetwork net = session.trainedNetwork();
        int batches = config.sampling().bnRecalibration();
        return new StrategySampler(net, config.sampling()).drawAll().stream().map(d -> new org.stfusion.core.execution
                .ScoreRequest(d.id(), d.pathKeep(), d.featureKeep(), org.stfusion.core.execution.ScoreRequest.ALL, batches))
                .toList();
    }

    /** Where this experiment scores strategies: this process, or the execution engine its config names. */
    public org.stfusion.core.execution.ScoringBackend scoring() {
        return session.scoring();
    }

    /** The pieces this experiment's stages share (for {@link ScoringTask}). */
    RunSession session() {
        return session;
    }

    /** The run's scored strategies as descriptors and as standalone networks with the template's weights. */
    public RunStrategies strategies() {
        return strategies;
    }

    /** The run's trained networks as model files, classifiers of clips and scored logits. */
    public ModelExports exports() {
        return exports;
    }

    /** The study, retraining and transfer of this run's strategies. */
    public RunStudy study() {
        return study;
    }

    @Override
    public void close() {
        session.close();
        reporters.close();
        dataset.close();
    }

    private DatasetSummary datasetSummary() {
        BadItemLedger ledger = session.loader().ledger();
        Map<String, List<BadItem>> bad = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            bad.put(split.label(), ledger.items(split));
        }
        PluginRef ref = session.datasetRef();
        return new DatasetSummary(ref.name(), ref.version(), dataset.size(Split.TRAIN),
                dataset.size(Split.VALIDATION), dataset.classNames(), dataset.manifestHash(), bad);
    }

    private Map<String, Object> trainingSummary(TemplateNetwork net, Scores scores) {
        var t = config.training();
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
        m.put("holdout", config.sampling().holdout());
        m.put("seed", config.seed());
        if (session.initialisation() != null) {
            m.put("initialisation", session.initialisation());
        }
        m.put("history", session.history());
        NativeBackend compute = NativeBackend.describe();
        m.put("compute", Map.of("engine", net.engine().name().toLowerCase(java.util.Locale.ROOT), "nd4j", compute.nd4jVersion(),
                "backend", compute.backend(), "oneDnn", compute.oneDnn(), "device", compute.device(), "cores", compute.cores(),
                "directOneDnn", compute.directOneDnn() == null ? "none" : compute.directOneDnn()));
        if (scores.successiveHalving() != null) {
            m.put("successiveHalving", scores.successiveHalving());
        }

        return m;
    }
}
