package org.stfusion.core.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.PluginRef;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.core.config.ExecutionSettings;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.data.BadItemLedger;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.eval.HeldOut;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.execution.Cluster;
import org.stfusion.core.execution.ExecutionEngines;
import org.stfusion.core.execution.ExecutionProvider;
import org.stfusion.core.execution.LocalScoring;
import org.stfusion.core.execution.ScoringBackend;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.RunJobs;
import org.stfusion.core.execution.RetrainRequest;
import org.stfusion.core.execution.Retrained;
import org.stfusion.core.execution.TrainingBackend;
import org.stfusion.core.network.NativeBackend;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.UserException;
import org.stfusion.core.sample.Scores;
import org.stfusion.core.train.Checkpoint;
import org.stfusion.core.train.CheckpointStore;
import org.stfusion.core.train.DataParallel;
import org.stfusion.core.train.ModelState;

/**
 * One opened experiment's plugins and the heavy pieces its stages share, each made on first use so that a command
 * builds only what it needs: the template network, the clip loader, the scorer, the template's trained weights
 * (trained in this process, or read back from the run directory's finished checkpoint) and the saved scores,
 * both checked against the run's provenance.
 */
public final class RunSession implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RunSession.class);

    private final PluginCatalog plugins;
    private final ExperimentConfig config;
    private final RunDirectory runDir;
    private final Dataset dataset;
    private final PluginRef datasetRef;
    private final PluginRef backboneRef;
    private final Backbone backbone;
    private final List<FusionPath> paths;
    private final List<PluginRef> fusionUnits;
    private final Provenance provenance;
    private TemplateNetwork network;
    private ClipBatches loader;
    private Scorer scorer;
    /** The execution engine strategies are scored on, when it is not this process. */
    private Cluster cluster;
    private RunJob job;
    private ScoringBackend scoring;
    /** A task's view of the run: it reads the run directory and writes nothing there. */
    private boolean readOnly;
    private boolean trained;
    private List<Map<String, Object>> history = List.of();
    /** Where the template's weights started, as its checkpoints record it (null for older checkpoints). */
    private Map<String, Object> initialisation;

    public RunSession(PluginCatalog plugins, ExperimentConfig config, RunDirectory runDir, Dataset dataset, PluginRef datasetRef,
                      PluginRef backboneRef, Backbone backbone, List<FusionPath> paths, List<PluginRef> fusionUnits,
                      Provenance provenance) {
        this.plugins = plugins;
        this.config = config;
        this.runDir = runDir;
        this.dataset = dataset;
        this.datasetRef = datasetRef;
        this.backboneRef = backboneRef;
        this.backbone = backbone;
        this.paths = paths;
        this.fusionUnits = fusionUnits;
        this.provenance = provenance;
    }

    public ExperimentConfig config() {
        return config;
    }

    public RunDirectory runDir() {
        return runDir;
    }

    public Dataset dataset() {
        return dataset;
    }

    public PluginRef datasetRef() {
        return datasetRef;
    }

    public PluginRef backboneRef() {
        return backboneRef;
    }

    public Backbone backbone() {
        return backbone;
    }

    public List<FusionPath> paths() {
        return paths;
    }

    public List<PluginRef> fusionUnits() {
        return fusionUnits;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** The template network, built on first use (untrained until {@link #trainedNetwork}). */
    public TemplateNetwork network() {
        if (network == null) {
            var t = config.training();
            network = new TemplateNetwork(backbone, dataset.inputSpec(), paths, t.vdp(dataset.size(Split.TRAIN)),
                    t.precision().dataType(), config.seed(), config.engine());
            LOG.info("compute: {} engine on {}", network.engine().name().toLowerCase(java.util.Locale.ROOT),
                    NativeBackend.describe());
            LOG.info("template: {} fusion positions, {} gated paths, {} parameters, {} MACs per clip",
                    network.positions().size(), network.gates().size(), network.store().parameterCount(),
                    network.template().macs());
        }
        return network;
    }

    /** The template with trained weights: this run's, or the run directory's finished checkpoint. */
    public TemplateNetwork trainedNetwork() {
        TemplateNetwork net = network();
        if (!trained) {
            CheckpointStore.Loaded loaded = checkpoints().loadNewest(net.store(), new java.util.HashMap<>(), LOG::warn);
            Checkpoint.Manifest m = loaded.manifest();
            requireCompatible(m.plugins(), loaded.file(), false);
            if (!"done".equals(m.stage())) {
                throw new UserException("training in " + runDir.root() + " is not finished (warm-up " + m.warmupEpochsDone()
                        + "/" + config.training().warmupEpochs() + ", v-DropPath " + m.vdpEpochsDone() + "/"
                        + config.training().vdpEpochs() + " epochs): continue it with `stfusion train " + runDir.root()
                        + " --resume`");
            }
            history = m.history();
            initialisation = m.initialisation();
            trained = true;
        }
        return net;
    }

    /** Where the template's weights start, known before its training runs. */
    public void initialisedAs(Map<String, Object> initialisation) {
        this.initialisation = initialisation;
    }

    /**
     * The template's trained weights and statistics come from {@code trained} (handed to a task by its engine)
     * rather than from the run's checkpoint.
     */
    public void trainedFrom(ModelState trained) {
        trained.applyTo(network().store());
        this.trained = true;
    }

    /** This process trained the template: the network holds its weights, {@code history} its epochs. */
    public void trained(List<Map<String, Object>> history) {
        this.history = history;
        this.trained = true;
    }

    /** The training's epochs, once the template is trained. */
    public List<Map<String, Object>> history() {
        return history;
    }

    /** Where the template's weights started, once known (null for older checkpoints). */
    public Map<String, Object> initialisation() {
        return initialisation;
    }

    public CheckpointStore checkpoints() {
        return new CheckpointStore(runDir.checkpoints(), config.training().recovery().keepCheckpoints());
    }

    /** Refuses (or warns about) what {@code file} was made with when this experiment's plugins differ. */
    public void requireCompatible(Provenance saved, Path file, boolean continuingTraining) {
        if (saved != null) {
            provenance.requireCompatible(saved, file.toString(), continuingTraining, LOG::warn);
        }
    }

    /**
     * The one clip loader of this experiment: decoding threads and the bad-item ledger (kept in the run
     * directory, so that a resumed run still lists what an earlier one skipped).
     */
    public ClipBatches loader() {
        if (loader == null) {
            var data = config.data();
            BadItemLedger ledger = new BadItemLedger(dataset, data.maxBadFraction(),
                    runDir.root().resolve(BadItemLedger.FILE_NAME), !readOnly);
            loader = new ClipBatches(dataset, network().store().dataType(), data.workers(), data.prefetch(), ledger);
        }
        return loader;
    }

    /** Scores networks with the template's statistics; {@link Scorer#recalibrating} gives the other protocol. */
    public Scorer scorer() {
        if (scorer == null) {
            scorer = new Scorer(network(), dataset, loader(), config.sampling().evalBatchSize(), 0);
            double holdout = config.sampling().holdout();
            if (holdout > 0) {
                scorer = scorer.holdingOut(new HeldOut(holdout));
            }
        }
        return scorer;
    }

    /** From now on, nothing is written to the run directory (a task's view of a run its submitter owns). */
    public void readOnly() {
        readOnly = true;
    }

    /** Scores strategies of the trained template in this process. */
    public ScoringBackend localScoring() {
        trainedNetwork();
        return new LocalScoring(scorer());
    }

    /**
     * Scores strategies of the trained template where {@code execution} says: in this process, or in the tasks of
     * an execution engine (connected on first use, until this session closes), each opening the run on its own.
     */
    public ScoringBackend scoring() {
        if (scoring == null) {
            ExecutionSettings execution = config.execution();
            if (execution.engine() == ExecutionSettings.Kind.LOCAL) {
                scoring = localScoring();
            } else {
                trainedNetwork(); // a run that cannot be scored here is refused before the engine starts
                scoring = cluster().scoring(job, ModelState.weights(trainedNetwork().store()));
                LOG.info("scoring on {}", cluster.describe());
            }
        }
        return scoring;
    }

    /**
     * Where the template's epochs run when {@code execution.dataParallel.workers} is set: on that many Spark tasks
     * averaging their models; null: in this process.
     */
    public DataParallel dataParallel() {
        ExecutionSettings execution = config.execution();
        if (execution.trainingWorkers() == 0) {
            return null;
        }
        DataParallel parallel = new DataParallel(cluster().dataParallel(job), execution.trainingWorkers(),
                execution.averageEvery());
        LOG.info("training on {} with {} workers averaging every {}", cluster.describe(), parallel.workers(),
                parallel.averageEvery() == 0 ? "epoch" : parallel.averageEvery() + " steps");
        return parallel;
    }

    /**
     * Where the study trains its standalone networks: empty for this process (one after the other), else in the tasks
     * of the execution engine {@code execution} names, a task a network, each opening the run on its own.
     */
    public Optional<TrainingBackend> distributedTraining() {
        if (config.execution().engine() == ExecutionSettings.Kind.LOCAL) {
            return Optional.empty();
        }
        trainedNetwork(); // as for scoring: a run that is not trained is refused before the engine starts
        return Optional.of(cluster().training(job));
    }

    /**
     * {@code request} retrained in a task of the execution engine {@code execution} names, with the trained template
     * handed over; empty for this process, which then retrains it itself.
     */
    public Optional<Retrained> retrainElsewhere(RetrainRequest request) {
        if (config.execution().engine() == ExecutionSettings.Kind.LOCAL) {
            return Optional.empty();
        }
        return Optional.of(cluster().retrain(job, request, ModelState.weights(trainedNetwork().store())));
    }

    /** The execution engine of this command, connected on first use, and the job its tasks open the run with. */
    private Cluster cluster() {
        if (cluster == null) {
            ExecutionProvider provider = ExecutionEngines.require(config.execution());
            cluster = provider.open(config.execution());
            job = RunJobs.submit(runDir.root(), config, plugins);
        }
        return cluster;
    }

    /** The strategies' scores the run saved, or a user error saying how to make them. */
    public Scores scores() {
        Path file = runDir.scores();
        if (!Files.isRegularFile(file)) {
            throw new UserException("no scores in " + runDir.root() + ": run `stfusion sample " + runDir.root() + "` first");
        }
        Scores scores = runDir.readJson(file, Scores.class);
        requireCompatible(scores.plugins(), file, false);
        return scores;
    }

    /** Inherited weights get the statistics the run's strategies were scored with. */
    public int scoredRecalibrationBatches() {
        return Files.isRegularFile(runDir.scores()) ? scores().protocol().bnRecalibrationBatches()
                : config.sampling().bnRecalibration();
    }

    /** Stops the clip loader's decoding threads, if it was made; the plugins are their opener's to close. */
    @Override
    public void close() {
        if (job != null) {
            RunJobs.forget(job);
        }
        if (cluster != null) {
            cluster.close();
        }
        if (loader != null) {
            loader.close();
        }
    }
}
