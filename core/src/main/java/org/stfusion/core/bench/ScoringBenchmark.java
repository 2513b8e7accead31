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
import org.stfusion.core.engine.planned.OpTimes;
import org.stfusion.core.engine.planned.PlannedExecutor;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.sample.StrategySampler;
import org.stfusion.core.sample.StrategySampler.Drawn;

/**
 * How fast strategies are scored: the same sampled strategies on the same random validation clips, once one by
 * one on the full network (every path computed, dropped ones multiplied by zero, the stem recomputed for every
 * strategy) and once as the {@link Scorer} does it ({@link Scorer#scoreAll}: dropped paths skipped, every batch
 * through all strategies in an order that lets their passes share common prefixes). Reports strategies per second
 * of both, the speed-up, and whether every strategy's top-1 is the same; and strategies per second with
 * batch-norm recalibration first (the default scoring protocol).
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
        List<Scorer.Strategy> scored = drawn.stream().map(d -> new Scorer.Strategy(d.pathKeep(), d.featureKeep())).toList();
        int evalBatch = 2 * w.batch();
        RandomClips data = new RandomClips(w.input(), batches * evalBatch, SamplingSettings.DEFAULT_BN_RECALIBRATION * evalBatch);
        try (Scorer scorer = new Scorer(net, data, evalBatch)) {
            BuiltGraph eval = net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING));
            PlannedExecutor executor = (PlannedExecutor) eval.executor();
            scorer.scoreAll(scored.subList(0, 1), Integer.MAX_VALUE); // decodes the clips, oneDNN primitives: untimed
            OpTimes.drain();

            executor.skipDroppedPaths(false);
            long t0 = System.nanoTime();
            List<Scorer.Score> fullNetwork = new ArrayList<>();
            for (Scorer.Strategy s : scored) {
                fullNetwork.add(scorer.evaluate(eval, net.hardMasks(s.pathKeep(), s.featureKeep())));
            }
            double baseline = (System.nanoTime() - t0) / 1e9;
            executor.skipDroppedPaths(true);
            Map<String, Map<String, double[]>> opTimes = new LinkedHashMap<>();
            opTimes.put("one by one", OpTimes.drain());

            long t1 = System.nanoTime();
            List<Scorer.Score> together = scorer.scoreAll(scored, Integer.MAX_VALUE);
            double seconds = (System.nanoTime() - t1) / 1e9;
            opTimes.put("together", OpTimes.drain());

            // The default protocol: each strategy's batch-norm statistics re-estimated first (on random clips here).
            Scorer recalibrating = scorer.recalibrating(SamplingSettings.DEFAULT_BN_RECALIBRATION);
            recalibrating.scoreAll(scored.subList(0, 1), evalBatch); // the batch-statistics graph's primitives
            OpTimes.drain();
            long t2 = System.nanoTime();
            recalibrating.scoreAll(scored, Integer.MAX_VALUE);
            double recalibrated = (System.nanoTime() - t2) / 1e9;
            opTimes.put("recalibrated", OpTimes.drain());

            boolean identical = true;
            for (int i = 0; i < scored.size(); i++) {
                identical &= fullNetwork.get(i).top1() == together.get(i).top1();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", "score");
            m.put("workload", w.name());
            m.put("strategies", drawn.size());
            m.put("clips", batches * evalBatch);
            m.put("batches", batches);
            m.put("baseline_strategies_per_s", drawn.size() / baseline);
            m.put("strategies_per_s", drawn.size() / seconds);
            m.put("speedup", baseline / seconds);
            m.put("recalibrated_strategies_per_s", drawn.size() / recalibrated);
            m.put("recalibration_batches", SamplingSettings.DEFAULT_BN_RECALIBRATION);
            m.put("identical", identical);
            m.put("drop_rate", drop);
            m.put("mean_kept_macs_share", meanKeptShare(net, drawn));
            if (OpTimes.enabled()) {
                m.put("op_times", opTimes);
            }
            return m;
        }
    }

    private static double meanKeptShare(TemplateNetwork net, List<StrategySampler.Drawn> drawn) {
        double sum = 0;
        for (var d : drawn) {
            sum += net.template().macsWith(d.pathKeep()) / (double) net.template().macs();
        }
        return sum / drawn.size();
    }
}
