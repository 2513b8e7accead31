package org.stfusion.core.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.report.RunEvent;
import org.stfusion.core.config.TrainingSettings;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunRandom;
import org.stfusion.core.run.UserException;

/**
 * Trains the template in two stages (as the paper and the authors' scripts do): a warm-up of the all-paths
 * network without gates (weight decay on), then Variational DropPath, where weights and drop-rate logits learn
 * together with no weight decay. It checkpoints the initial weights and every epoch ({@link CheckpointStore});
 * {@link #resume} continues a killed run from the newest good checkpoint with the same RNG stream. A step whose
 * loss or gradients are not finite changes nothing (weights, velocities, BN statistics) and stops the run or,
 * with {@code training.onNumericFault: retry}, reloads the last good checkpoint with lower learning rates.
 */
public final class Trainer {
    private static final Logger LOG = LogManager.getLogger(Trainer.class);

    private final TemplateNetwork net;
    private final Dataset dataset;
    private final TrainingSettings settings;
    private final CheckpointStore checkpoints;
    private final Provenance provenance;
    private final Consumer<RunEvent> events;
    private final Scorer scorer;
    private final ClipBatches loader;
    private final SgdMomentum optimizer;
    private final RunRandom random;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private final TrainingSteps steps;
    /** Where an epoch's steps run when they are spread over workers; null: here. */
    private DataParallel parallel;
    private int warmupDone;
    private int vdpDone;
    /** Multiplies the configured learning rates; lowered by each retry after a numeric fault. */
    private double lrScale = 1;
    private int faultRetries;
    private Path lastCheckpoint;
    /** The epoch a resumed checkpoint was written inside (at an averaging point), until that epoch runs; else null. */
    private EpochProgress inProgress;
    /** Where the weights started, as every checkpoint of this training records it; null if never recorded. */
    private Map<String, Object> initialisation;

    public Trainer(TemplateNetwork net, Dataset dataset, ClipBatches loader, TrainingSettings settings, long seed,
                   Path checkpoints, Provenance provenance, Consumer<RunEvent> events, Scorer scorer) {
        this.net = net;
        this.loader = loader;
        this.dataset = dataset;
        this.settings = settings;
        this.checkpoints = new CheckpointStore(checkpoints, settings.recovery().keepCheckpoints());
        this.provenance = provenance;
        this.events = events;
        this.scorer = scorer;
        this.optimizer = new SgdMomentum(settings.momentum());
        this.random = new RunRandom(seed);
        this.steps = new TrainingSteps(net, optimizer);
    }

    /** Spreads every epoch's steps over {@code parallel}'s workers, which average their models as it says. */
    public void parallel(DataParallel parallel) {
        this.parallel = parallel;
    }

    /** The graph a stage trains: the warm-up's all-paths network (with classifier dropout if set), or the template. */
    public static BuiltGraph graphFor(TemplateNetwork net, boolean warmup, double warmupDropout) {
        if (!warmup) {
            return net.template();
        }
        BitSet all = new BitSet();
        all.set(0, net.paths().size());
        return warmupDropout > 0 ? net.fixedGraphWithDropout(all) : net.fixedGraph(BnMode.BATCH, all);
    }

    /** Restores weights, optimizer, RNG and progress from the newest good checkpoint; false if there is none. */
    public boolean resume() {
        if (!checkpoints.exists()) {
            return false;
        }
        CheckpointStore.Loaded loaded = checkpoints.loadNewest(net.store(), optimizer.state(), LOG::warn);
        restore(loaded);
        LOG.info("resumed from {}: warm-up {}/{} epochs, v-DropPath {}/{} epochs{}", loaded.file(), warmupDone,
                settings.warmupEpochs(), vdpDone, settings.vdpEpochs(), lrScale == 1 ? "" : ", learning rates x" + lrScale);
        return true;
    }

    private void restore(CheckpointStore.Loaded loaded) {
        Checkpoint.Manifest m = loaded.manifest();
        random.restore(m.rngState());
        warmupDone = m.warmupEpochsDone();
        vdpDone = m.vdpEpochsDone();
        lrScale = m.lrScale();
        faultRetries = Math.max(faultRetries, m.faultRetries());
        initialisation = m.initialisation();
        history.clear();
        history.addAll(m.history());
        inProgress = m.epochInProgress();
        lastCheckpoint = loaded.file();
    }

    /**
     * Records where a new training's weights start ({@code ImageNetInflation#record} or its scratch record); call
     * before {@link #train} when {@link #resume} found nothing. A resumed training keeps its checkpoint's record.
     */
    public void initialisedAs(Map<String, Object> record) {
        this.initialisation = record;
    }

    /** Where the weights started: this training's record, or what the resumed checkpoint says (null if older). */
    public Map<String, Object> initialisation() {
        return initialisation;
    }

    public boolean finished() {
        return warmupDone >= settings.warmupEpochs() && vdpDone >= settings.vdpEpochs();
    }

    public List<Map<String, Object>> history() {
        return history;
    }

    /**
     * Runs the remaining epochs of both stages. A numeric fault stops it with the last good checkpoint kept, or
     * (with retries configured and left) continues from that checkpoint with lower learning rates.
     */
    public void train() {
        if (!checkpoints.exists()) {
            saveCheckpoint(false); // the initial weights: a fault in the first epoch can retry from here
        }
        while (true) {
            try {
                trainRemaining();
                return;
            } catch (NumericFault fault) {
                var recovery = settings.recovery();
                if (!recovery.retryOnNumericFault() || faultRetries >= recovery.faultRetries()) {
                    throw new UserException(fault.getMessage() + "; nothing of it was saved, the last good checkpoint is "
                            + lastCheckpoint + "; " + (recovery.retryOnNumericFault()
                            ? "all " + recovery.faultRetries() + " retries (training.faultRetries) are used up; " : "")
                            + "lower " + fault.lrKey + " (now " + fault.lr + ") and continue with --resume"
                            + (recovery.retryOnNumericFault() ? "" : ", or set training.onNumericFault: retry"));
                }
                double scale = lrScale * recovery.faultLrFactor();
                restore(checkpoints.loadNewest(net.store(), optimizer.state(), LOG::warn));
                faultRetries++;
                lrScale = scale;
                LOG.warn("{}; retry {}/{} from {} with the learning rates x{}", fault.getMessage(), faultRetries,
                        recovery.faultRetries(), lastCheckpoint, fmtScale(lrScale));
            }
        }
    }

    private void trainRemaining() {
        int batches = (dataset.size(Split.TRAIN) + settings.batchSize() - 1) / settings.batchSize();
        if (warmupDone < settings.warmupEpochs()) {
            BuiltGraph warmup = graphFor(net, true, settings.warmupDropout());
            events.accept(new RunEvent.StageStarted("warmup", warmupDone + 1, settings.warmupEpochs(), batches));
            while (warmupDone < settings.warmupEpochs()) {
                epoch("warmup", warmup, warmupDone + 1, settings.warmupEpochs(), true);
            }
        }
        if (vdpDone < settings.vdpEpochs()) {
            if (vdpDone == 0 && (inProgress == null || !inProgress.stage().equals("vdp"))) {
                optimizer.reset(); // the v-DropPath stage starts from the warm-up weights with a fresh optimizer
            }
            events.accept(new RunEvent.StageStarted("vdp", vdpDone + 1, settings.vdpEpochs(), batches));
            while (vdpDone < settings.vdpEpochs()) {
                epoch("vdp", net.template(), vdpDone + 1, settings.vdpEpochs(), false);
            }
        }
    }

    private void epoch(String stage, BuiltGraph graph, int epoch, int epochs, boolean warmup) {
        long start = System.nanoTime();
        double lr = settings.learningRate(warmup, epoch) * lrScale;
        double weightDecay = warmup ? settings.warmupWeightDecay() : 0;
        int[] order = new int[dataset.size(Split.TRAIN)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Resumed inside this epoch: its order and seed are drawn again from the stream as the epoch began.
        EpochProgress resumed = inProgress != null && inProgress.stage().equals(stage) && inProgress.epoch() == epoch
                ? inProgress : null;
        inProgress = null;
        byte[] streamNow = random.state();
        byte[] epochRandom = resumed != null ? resumed.epochRandom() : streamNow;
        random.restore(epochRandom);
        random.shuffle(order);
        int batches = (order.length + settings.batchSize() - 1) / settings.batchSize();
        long augmentSeed = random.nextLong();
        if (resumed != null) {
            random.restore(streamNow); // where the checkpoint's averaging point left the stream
            LOG.info("{} epoch {}: resumed after {} of its {} batches", stage, epoch, resumed.batchesDone(), batches);
        }
        int startBatch = resumed != null ? resumed.batchesDone() : 0;
        TrainingSteps.Sums done = resumed != null ? resumed.sums() : TrainingSteps.Sums.NONE;
        TrainingSteps.Stage how = new TrainingSteps.Stage(graph, warmup, lr, weightDecay, settings.warmupDropout());
        TrainingSteps.Progress progress = (b, loss) -> events.accept(new RunEvent.BatchFinished(stage, epoch, epochs, b,
                batches, loss, (System.nanoTime() - start) / 1e9));
        TrainingSteps.Sums sums;
        double dataSeconds = 0;
        int skippedItems = 0;
        try {
            if (parallel == null) {
                int[] rest = java.util.Arrays.copyOfRange(order, Math.min(order.length, startBatch * settings.batchSize()),
                        order.length);
                ClipBatches.Stream it = loader.iterate(Split.TRAIN, rest, settings.batchSize(), augmentSeed);
                sums = done.plus(steps.run(how, it, random, progress));
                dataSeconds = it.waitSeconds();
                skippedItems = it.skipped();
            } else {
                sums = parallel.epoch(stage, epoch, how, order, settings.batchSize(), augmentSeed, random, net, optimizer,
                        startBatch, done, progress, (batchesDone, sumsSoFar) -> saveCheckpoint(false,
                                new EpochProgress(stage, epoch, batchesDone, epochRandom, sumsSoFar)));
            }
        } catch (TrainingSteps.Fault fault) {
            throw new NumericFault(stage + " epoch " + epoch + " step " + fault.step() + ": " + fault.getMessage(), warmup, lr);
        } catch (DataParallel.WorkerFault fault) {
            throw new NumericFault(stage + " epoch " + epoch + ", " + fault.getMessage(), warmup, lr);
        }
        double lossSum = sums.loss();
        double regSum = sums.regulariser();
        long correct = sums.correct();
        long seen = sums.seen();
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double valTop1 = scorer == null ? Double.NaN : warmup ? scorer.fixedTop1(all()) : scorer.allKeptTop1();
        double meanDrop = warmup ? Double.NaN : mean(net.dropRates());
        double seconds = (System.nanoTime() - start) / 1e9;
        var finished = new RunEvent.EpochFinished(stage, epoch, epochs, lossSum / Math.max(1, seen),
                correct / (double) Math.max(1, seen), regSum / Math.max(1, seen), valTop1, lr, meanDrop, seconds);
        Map<String, Object> row = record(finished);
        row.put("dataWaitSeconds", dataSeconds);
        row.put("skippedItems", skippedItems);
        if (parallel != null) {
            row.put("dataParallel", Map.of("workers", parallel.workers(), "averageEvery", parallel.averageEvery()));
        }
        if (!warmup) {
            row.put("drop", dropRatesByPosition());
        }
        LOG.info("{} epoch {}/{}: loss {} train top-1 {} val top-1 {} mean p {} ({} s: waiting for data {} s, "
                + "training compute {} s{})", stage, epoch, epochs, finished.trainLoss(), finished.trainTop1(), valTop1,
                meanDrop, fmt(seconds), fmt(dataSeconds), fmt(trainSeconds - dataSeconds),
                skippedItems > 0 ? ", " + skippedItems + " bad items skipped" : "");
        String weights = NumericChecks.firstNonFinite(net.store().trainable());
        String stats = NumericChecks.firstNonFinite(net.store().state());
        if (weights != null || stats != null) {
            throw new NumericFault(stage + " epoch " + epoch + ": after its updates " + (weights != null
                    ? "the weights '" + weights + "'" : "the running statistics '" + stats + "'") + " are not finite",
                    warmup, lr);
        }
        if (warmup) {
            warmupDone = epoch;
        } else {
            vdpDone = epoch;
        }
        history.add(row);
        saveCheckpoint(warmup && epoch == epochs);
        events.accept(finished);
    }

    /** Every gate's drop rate p by position and gate name (unit, {@code unit@source}, or D1), for the history. */
    private Map<String, Map<String, Double>> dropRatesByPosition() {
        double[] p = net.dropRates();
        Map<String, Map<String, Double>> byPosition = new LinkedHashMap<>();
        for (GateInfo g : net.gates()) {
            String name = g.layerGate() ? "D1" : g.source() == GateInfo.WHOLE_INPUT ? g.unitName() : g.unitName() + "@" + g.source();
            byPosition.computeIfAbsent(g.position(), k -> new LinkedHashMap<>()).put(name, p[g.index()]);
        }
        return byPosition;
    }

    /** Every configured path: the ungated network the warm-up trains. */
    private BitSet all() {
        BitSet all = new BitSet();
        all.set(0, net.paths().size());
        return all;
    }

    private void saveCheckpoint(boolean endOfWarmup) {
        saveCheckpoint(endOfWarmup, null);
    }

    /** With {@code progress}, a checkpoint inside an epoch (at an averaging point), which a resume continues. */
    private void saveCheckpoint(boolean endOfWarmup, EpochProgress progress) {
        var manifest = new Checkpoint.Manifest(provenance, finished() ? "done" : warmupDone < settings.warmupEpochs()
                ? "warmup" : "vdp", warmupDone, vdpDone, random.state(), net.store().dataType().name(), history,
                lrScale, faultRetries, initialisation, progress);
        lastCheckpoint = checkpoints.save(warmupDone + vdpDone, manifest, net.store(), optimizer.state());
        if (endOfWarmup) {
            checkpoints.keepAsWarmup(lastCheckpoint);
        }
    }

    /** A non-finite loss, gradient or weight, caught before the step or the epoch could be saved. */
    private static final class NumericFault extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String lrKey;
        final double lr;

        NumericFault(String message, boolean warmup, double lr) {
            super(message, null, false, false);
            this.lrKey = "training." + (warmup ? "warmupLr" : "lr");
            this.lr = lr;
        }
    }

    private static String fmtScale(double scale) {
        return String.format(java.util.Locale.ROOT, "%.4g", scale);
    }

    private static Map<String, Object> record(RunEvent.EpochFinished e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", e.stage());
        m.put("epoch", e.epoch());
        m.put("trainLoss", e.trainLoss());
        m.put("trainTop1", e.trainTop1());
        m.put("regulariser", e.regulariser());
        m.put("valTop1", Double.isNaN(e.valTop1()) ? null : e.valTop1());
        m.put("learningRate", e.learningRate());
        m.put("meanDrop", Double.isNaN(e.meanDrop()) ? null : e.meanDrop());
        m.put("seconds", e.seconds());
        return m;
    }

    private static String fmt(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
