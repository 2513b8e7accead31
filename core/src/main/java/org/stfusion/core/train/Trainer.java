package org.stfusion.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * together with no weight decay. After every epoch it writes {@code checkpoints/last.zip}; {@link #resume}
 * continues a killed run from there with the same RNG stream.
 */
public final class Trainer {
    public static final String LAST = "last.zip";
    private static final Logger LOG = LogManager.getLogger(Trainer.class);

    private final TemplateNetwork net;
    private final Dataset dataset;
    private final TrainingSettings settings;
    private final Path checkpoints;
    private final Provenance provenance;
    private final Consumer<RunEvent> events;
    private final Scorer scorer;
    private final ClipBatches loader;
    private final SgdMomentum optimizer;
    private final RunRandom random;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private int warmupDone;
    private int vdpDone;

    public Trainer(TemplateNetwork net, Dataset dataset, ClipBatches loader, TrainingSettings settings, long seed,
                   Path checkpoints, Provenance provenance, Consumer<RunEvent> events, Scorer scorer) {
        this.net = net;
        this.loader = loader;
        this.dataset = dataset;
        this.settings = settings;
        this.checkpoints = checkpoints;
        this.provenance = provenance;
        this.events = events;
        this.scorer = scorer;
        this.optimizer = new SgdMomentum(settings.momentum());
        this.random = new RunRandom(seed);
    }

    /** Restores weights, optimizer, RNG and progress from {@code checkpoints/last.zip}; false if there is none. */
    public boolean resume() {
        Path last = checkpoints.resolve(LAST);
        if (!last.toFile().isFile()) {
            return false;
        }
        Checkpoint.Manifest m = Checkpoint.read(last, net.store(), optimizer.state());
        random.restore(m.rngState());
        warmupDone = m.warmupEpochsDone();
        vdpDone = m.vdpEpochsDone();
        history.clear();
        history.addAll(m.history());
        LOG.info("resumed from {}: warm-up {}/{} epochs, v-DropPath {}/{} epochs", last, warmupDone,
                settings.warmupEpochs(), vdpDone, settings.vdpEpochs());
        return true;
    }

    public boolean finished() {
        return warmupDone >= settings.warmupEpochs() && vdpDone >= settings.vdpEpochs();
    }

    public List<Map<String, Object>> history() {
        return history;
    }

    /** Runs the remaining epochs of both stages. */
    public void train() {
        int batches = (dataset.size(Split.TRAIN) + settings.batchSize() - 1) / settings.batchSize();
        if (warmupDone < settings.warmupEpochs()) {
            BuiltGraph warmup = net.fixedGraph(BnMode.BATCH, all());
            events.accept(new RunEvent.StageStarted("warmup", warmupDone + 1, settings.warmupEpochs(), batches));
            while (warmupDone < settings.warmupEpochs()) {
                epoch("warmup", warmup, ++warmupDone, settings.warmupEpochs(), true);
            }
        }
        if (vdpDone < settings.vdpEpochs()) {
            if (vdpDone == 0) {
                optimizer.reset(); // the v-DropPath stage starts from the warm-up weights with a fresh optimizer
            }
            events.accept(new RunEvent.StageStarted("vdp", vdpDone + 1, settings.vdpEpochs(), batches));
            while (vdpDone < settings.vdpEpochs()) {
                epoch("vdp", net.template(), ++vdpDone, settings.vdpEpochs(), false);
            }
        }
    }

    private void epoch(String stage, BuiltGraph graph, int epoch, int epochs, boolean warmup) {
        long start = System.nanoTime();
        double lr = settings.learningRate(warmup, epoch);
        double weightDecay = warmup ? settings.warmupWeightDecay() : 0;
        int[] order = new int[dataset.size(Split.TRAIN)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        random.shuffle(order);
        int batches = (order.length + settings.batchSize() - 1) / settings.batchSize();
        double lossSum = 0;
        double regSum = 0;
        long correct = 0;
        long seen = 0;
        int b = 0;
        ClipBatches.Stream it = loader.iterate(Split.TRAIN, order, settings.batchSize(), random.nextLong());
        while (it.hasNext()) {
            ClipBatches.Batch batch = it.next();
            if (batch.size() < 2) {
                continue; // batch statistics of a single clip are degenerate
            }
            Map<String, INDArray> noise = warmup ? Map.of() : GateNoise.draw(net, random, batch.size());
            GraphExecutor.Step step = net.trainStep(graph, batch.clips(), batch.oneHot(), noise);
            if (Divergence.diverged(step)) {
                throw new UserException(stage + " epoch " + epoch + " batch " + (b + 1) + ": the loss is "
                        + step.loss() + "; lower training." + (warmup ? "warmupLr" : "lr") + " (now " + lr
                        + ") and resume from the last checkpoint with --resume");
            }
            optimizer.step(net.store().trainable(), step.gradients(), lr, weightDecay);
            lossSum += step.loss() * batch.size();
            regSum += step.regulariser() * batch.size();
            correct += Scorer.topKCorrect(step.logits(), batch.labels(), 1);
            seen += batch.size();
            b++;
            events.accept(new RunEvent.BatchFinished(stage, epoch, epochs, b, batches, step.loss(),
                    (System.nanoTime() - start) / 1e9));
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double valTop1 = scorer == null ? Double.NaN : warmup ? scorer.fixedTop1(all()) : scorer.allKeptTop1();
        double meanDrop = warmup ? Double.NaN : mean(net.dropRates());
        double seconds = (System.nanoTime() - start) / 1e9;
        double dataSeconds = it.waitSeconds();
        var finished = new RunEvent.EpochFinished(stage, epoch, epochs, lossSum / Math.max(1, seen),
                correct / (double) Math.max(1, seen), regSum / Math.max(1, seen), valTop1, lr, meanDrop, seconds);
        Map<String, Object> row = record(finished);
        row.put("dataWaitSeconds", dataSeconds);
        row.put("skippedItems", it.skipped());
        if (!warmup) {
            row.put("drop", dropRatesByPosition());
        }
        history.add(row);
        LOG.info("{} epoch {}/{}: loss {} train top-1 {} val top-1 {} mean p {} ({} s: waiting for data {} s, "
                + "training compute {} s{})", stage, epoch, epochs, finished.trainLoss(), finished.trainTop1(), valTop1,
                meanDrop, fmt(seconds), fmt(dataSeconds), fmt(trainSeconds - dataSeconds),
                it.skipped() > 0 ? ", " + it.skipped() + " bad items skipped" : "");
        saveCheckpoint(warmup && epoch == epochs ? "warmup.zip" : null);
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

    private void saveCheckpoint(String copyName) {
        try {
            java.nio.file.Files.createDirectories(checkpoints);
            var manifest = new Checkpoint.Manifest(provenance, finished() ? "done" : warmupDone < settings.warmupEpochs()
                    ? "warmup" : "vdp", warmupDone, vdpDone, random.state(), net.store().dataType().name(), history);
            Checkpoint.write(checkpoints.resolve(LAST), manifest, net.store(), optimizer.state());
            if (copyName != null) {
                Checkpoint.copy(checkpoints.resolve(LAST), checkpoints.resolve(copyName));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + checkpoints + ": " + e.getMessage(), e);
        }
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
