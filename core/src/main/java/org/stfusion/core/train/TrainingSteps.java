package org.stfusion.core.train;

import java.util.Iterator;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;

/**
 * The training steps of the template over a sequence of batches: gate noise (or the warm-up's classifier dropout)
 * drawn from the run's stream, a forward-backward pass, a fault check and an SGD update. The trainer runs an epoch's
 * batches through it; a data-parallel worker runs its share of a round. A step whose loss or gradients are not
 * finite puts the BN statistics back and stops the steps, with nothing of it applied.
 */
public final class TrainingSteps {
    private final TemplateNetwork net;
    private final SgdMomentum optimizer;
    private final StatisticsSnapshot statistics;

    public TrainingSteps(TemplateNetwork net, SgdMomentum optimizer) {
        this.net = net;
        this.optimizer = optimizer;
        this.statistics = new StatisticsSnapshot(net.store().state());
    }

    /** How a stage trains: its graph, whether it is the warm-up, its learning rate, weight decay and dropout. */
    public record Stage(BuiltGraph graph, boolean warmup, double lr, double weightDecay, double warmupDropout) {
    }

    /** Sums over the steps taken: loss and regulariser weighted by clips, top-1 hits, clips and steps. */
    public record Sums(double loss, double regulariser, long correct, long seen, int steps) implements java.io.Serializable {
        public static final Sums NONE = new Sums(0, 0, 0, 0, 0);

        public Sums plus(Sums o) {
            return new Sums(loss + o.loss, regulariser + o.regulariser, correct + o.correct, seen + o.seen, steps + o.steps);
        }
    }

    /** Where the steps stopped on a non-finite step: its number (1-based among the steps taken) and the fault. */
    public static final class Fault extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int step;

        Fault(int step, String fault) {
            super(fault, null, false, false);
            this.step = step;
        }

        public int step() {
            return step;
        }
    }

    /** Called after each step with the steps taken so far and the step's loss. */
    public interface Progress {
        void stepDone(int steps, double loss);
    }

    /**
     * Takes a step per batch of at least two clips (batch statistics of one clip are degenerate), drawing noise
     * from {@code random}; throws {@link Fault} on a non-finite step, with the statistics put back.
     */
    public Sums run(Stage stage, Iterator<ClipBatches.Batch> batches, RunRandom random, Progress progress) {
        double lossSum = 0;
        double regSum = 0;
        long correct = 0;
        long seen = 0;
        int steps = 0;
        while (batches.hasNext()) {
            ClipBatches.Batch batch = batches.next();
            if (batch.size() < 2) {
                continue;
            }
            Map<String, INDArray> noise = !stage.warmup() ? GateNoise.draw(net, random, batch.size())
                    : stage.graph().variant().classifierDropout()
                    ? GateNoise.dropout(net, random, batch.size(), stage.warmupDropout()) : Map.of();
            statistics.save();
            GraphExecutor.Step step = net.trainStep(stage.graph(), batch.clips(), batch.oneHot(), noise);
            String fault = NumericChecks.fault(step);
            if (fault != null) {
                statistics.restore(); // the step changed the running statistics already; nothing else yet
                throw new Fault(steps + 1, fault);
            }
            optimizer.step(net.store().trainable(), step.gradients(), stage.lr(), stage.weightDecay());
            lossSum += step.loss() * batch.size();
            regSum += step.regulariser() * batch.size();
            correct += Scorer.topKCorrect(step.logits(), batch.labels(), 1);
            seen += batch.size();
            steps++;
            progress.stepDone(steps, step.loss());
        }
        return new Sums(lossSum, regSum, correct, seen, steps);
    }
}
