package org.stfusion.core.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.config.SamplingSettings;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.planned.PlannedExecutor;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.sample.StrategySampler;
import org.stfusion.core.sample.StrategySampler.Drawn;

/**
 * How fast strategies are scored: the same sampled strategies on the same validation clips, once one by one on
 * the full network (every path computed, dropped ones multiplied by zero, the stem recomputed for every strategy)
 * and once as the scorer does it (dropped paths skipped, the ungated stem computed once per batch). Reports
 * strategies per second of both, the speed-up, and whether every strategy's top-1 is the same; and strategies per
 * second with batch-norm recalibration first (the default scoring protocol).
 */
public final class ScoringBenchmark {
    private final PluginCatalog plugins;

    public ScoringBenchmark(PluginCatalog plugins) {
        this.plugins = plugins;
    }

    /** {@code strategies} drawn at drop rate {@code drop} and scored on {@code batches} batches of the workload. */
    public Map<String, Object> run(Workload w, int strategies, int batches, double drop) {
        TemplateNetwork net = w.template(plugins, drop, Engine.PLANNED);
        SamplingSettings sampling = new SamplingSettings(strategies, 7, false, false, 2 * w.batch(), 0, false, 0.125, 0);
        List<StrategySampler.Drawn> drawn = new StrategySampler(net, sampling).drawAll();
        Random r = new Random(3);
        List<INDArray> clips = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            clips.add(Nd4j.randn(r.nextLong(), new long[] {2L * w.batch(), 3, w.frames(), w.size(), w.size()})
                    .castTo(DataType.FLOAT));
            int[] l = new int[2 * w.batch()];
            for (int i = 0; i < l.length; i++) {
                l[i] = r.nextInt(w.classes());
            }
            labels.add(l);
        }
        BuiltGraph eval = net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING));
        PlannedExecutor executor = (PlannedExecutor) eval.executor();
        score(net, eval, drawn.subList(0, 1), clips, labels); // oneDNN primitives for every shape, outside the timing

        executor.skipDroppedPaths(false);
        long t0 = System.nanoTime();
        long[] fullNetwork = score(net, eval, drawn, clips, labels);
        double baseline = (System.nanoTime() - t0) / 1e9;

        executor.skipDroppedPaths(true);
        long t1 = System.nanoTime();
        long[] planned;
        try (var shared = eval.executor().shareUngatedPrefix(1L << 30)) {
            planned = score(net, eval, drawn, clips, labels);
        }
        double seconds = (System.nanoTime() - t1) / 1e9;

        // The default protocol: each strategy's batch-norm statistics re-estimated first (on random clips here).
        List<INDArray> recalibration = new ArrayList<>();
        for (int b = 0; b < SamplingSettings.DEFAULT_BN_RECALIBRATION; b++) {
            recalibration.add(Nd4j.randn(r.nextLong(), new long[] {2L * w.batch(), 3, w.frames(), w.size(), w.size()})
                    .castTo(DataType.FLOAT));
        }
        Drawn first = drawn.get(0); // the batch-statistics graph's primitives, outside the timing
        net.restoreStatistics(net.recalibrate(recalibration.subList(0, 1).iterator(),
                net.hardMasks(first.pathKeep(), first.featureKeep())));
        long t2 = System.nanoTime();
        for (Drawn d : drawn) {
            var masks = net.hardMasks(d.pathKeep(), d.featureKeep());
            var template = net.recalibrate(recalibration.iterator(), masks);
            score(net, eval, List.of(d), clips, labels);
            net.restoreStatistics(template);
        }
        double recalibrated = (System.nanoTime() - t2) / 1e9;

        boolean identical = java.util.Arrays.equals(fullNetwork, planned);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "score");
        m.put("workload", w.name());
        m.put("strategies", drawn.size());
        m.put("clips", batches * 2 * w.batch());
        m.put("batches", batches);
        m.put("baseline_strategies_per_s", drawn.size() / baseline);
        m.put("strategies_per_s", drawn.size() / seconds);
        m.put("speedup", baseline / seconds);
        m.put("recalibrated_strategies_per_s", drawn.size() / recalibrated);
        m.put("recalibration_batches", recalibration.size());
        m.put("identical", identical);
        m.put("drop_rate", drop);
        m.put("mean_kept_macs_share", meanKeptShare(net, drawn));
        return m;
    }

    /** Correct top-1 counts, one per strategy. */
    private static long[] score(TemplateNetwork net, BuiltGraph eval, List<StrategySampler.Drawn> drawn,
                                List<INDArray> clips, List<int[]> labels) {
        long[] correct = new long[drawn.size()];
        for (int s = 0; s < drawn.size(); s++) {
            var masks = net.hardMasks(drawn.get(s).pathKeep(), drawn.get(s).featureKeep());
            for (int b = 0; b < clips.size(); b++) {
                correct[s] += Scorer.topKCorrect(eval.executor().logits(clips.get(b), masks), labels.get(b), 1);
            }
        }
        return correct;
    }

    private static double meanKeptShare(TemplateNetwork net, List<StrategySampler.Drawn> drawn) {
        double sum = 0;
        for (var d : drawn) {
            sum += net.template().macsWith(d.pathKeep()) / (double) net.template().macs();
        }
        return sum / drawn.size();
    }
}
