package org.stfusion.core.study;

import java.util.Map;
import java.util.function.Consumer;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.report.RunEvent;
import org.stfusion.core.config.StudySettings;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.run.RunRandom;
import org.stfusion.core.run.UserException;
import org.stfusion.core.train.NumericChecks;
import org.stfusion.core.train.SgdMomentum;

/** Trains a fixed-strategy network from scratch: SGD with momentum and weight decay, step learning rate. */
public final class FixedNetworkTrainer {
    private final Dataset dataset;
    private final ClipBatches loader;
    private final StudySettings settings;
    private final int batchSize;
    private final double momentum;
    private final double lrDecay;
    private final Consumer<RunEvent> events;

    public FixedNetworkTrainer(Dataset dataset, ClipBatches loader, StudySettings settings, int batchSize, double momentum,
                               double lrDecay, Consumer<RunEvent> events) {
        this.dataset = dataset;
        this.loader = loader;
        this.settings = settings;
        this.batchSize = batchSize;
        this.momentum = momentum;
        this.lrDecay = lrDecay;
        this.events = events;
    }

    /** Trains {@code net} for the study's epochs and returns its validation score. */
    public Scorer.Score train(String stage, StandaloneNetwork net, long seed, Scorer scorer) {
        RunRandom random = new RunRandom(seed);
        SgdMomentum sgd = new SgdMomentum(momentum);
        int batches = (dataset.size(Split.TRAIN) + batchSize - 1) / batchSize;
        events.accept(new RunEvent.StageStarted(stage, 1, settings.epochs(), batches));
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            long start = System.nanoTime();
            double lr = settings.learningRate(epoch, lrDecay);
            int[] order = new int[dataset.size(Split.TRAIN)];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            random.shuffle(order);
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            int b = 0;
            ClipBatches.Stream it = loader.iterate(Split.TRAIN, order, batchSize, random.nextLong());
            while (it.hasNext()) {
                ClipBatches.Batch batch = it.next();
                if (batch.size() < 2) {
                    continue;
                }
                GraphExecutor.Step step = net.training().executor().trainStep(batch.clips(),
                        batch.oneHot(), Map.of());
                String fault = NumericChecks.fault(step);
                if (fault != null) {
                    throw new UserException(stage + " epoch " + epoch + " step " + (b + 1) + ": " + fault
                            + "; lower study.lr (now " + lr + ") and run the study again with --resume");
                }
                sgd.step(net.store().trainable(), step.gradients(), lr, settings.weightDecay());
                lossSum += step.loss() * batch.size();
                correct += Scorer.topKCorrect(step.logits(), batch.labels(), 1);
                seen += batch.size();
                events.accept(new RunEvent.BatchFinished(stage, epoch, settings.epochs(), ++b, batches, step.loss(),
                        (System.nanoTime() - start) / 1e9));
            }
            events.accept(new RunEvent.EpochFinished(stage, epoch, settings.epochs(), lossSum / Math.max(1, seen),
                    correct / (double) Math.max(1, seen), 0, Double.NaN, lr, Double.NaN, (System.nanoTime() - start) / 1e9));
        }
        return scorer.evaluate(net);
    }
}
