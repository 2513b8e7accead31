package org.stfusion.datasets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.backbones.DenseNet3dProvider;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;
import org.stfusion.core.train.SgdMomentum;
import org.stfusion.datasets.SyntheticDatasetProvider;
import org.stfusion.fusionunits.SpatialPathProvider;
import org.stfusion.fusionunits.TemporalPathProvider;

/**
 * On the synthetic motion task every single frame is class-independent, so a network whose only temporal
 * mixing is the T path must learn and a spatial-only one must stay at chance. With 200 validation clips the
 * 95 % band around chance (0.5) is ±0.07.
 */
class MotionNeedsTemporalFusionTest {

    @Test
    void fixedStLearnsMotionAndFixedSStaysAtChance() {
        Dataset data = new SyntheticDatasetProvider().open(new PluginConfig("dataset", Map.of("task", "motion",
                "classes", 2, "frames", 8, "size", 16, "trainSize", 320, "valSize", 200, "seed", 3)));
        double st = train(data, 1);
        double s = train(data, 0);
        assertTrue(st >= 0.9, "fixed ST network should learn the direction of motion, got " + st);
        assertTrue(s <= 0.62, "fixed S network should be at chance on motion, got " + s);
    }

    /** Trains the fixed network with only path {@code pathIndex} (0 = S, 1 = T) and returns val top-1. */
    private static double train(Dataset data, int pathIndex) {
        var backbone = new DenseNet3dProvider().create(new PluginConfig("backbone", Map.of("initFeatures", 8,
                "growth", 8, "bnSize", 2, "blocks", List.of(2, 2), "stemTemporalKernel", 1,
                "stemPoolTemporalKernel", 1)), data.inputSpec());
        var net = new TemplateNetwork(backbone, data.inputSpec(), List.of(
                new SpatialPathProvider().create(PluginConfig.empty("s")),
                new TemporalPathProvider().create(PluginConfig.empty("t"))), VdpSettings.defaults(320), DataType.FLOAT, 5);
        BitSet paths = new BitSet();
        paths.set(pathIndex);
        BuiltGraph graph = net.fixedGraph(BnMode.BATCH, paths);
        SgdMomentum sgd = new SgdMomentum(0.9);
        RunRandom random = new RunRandom(9);
        try (ClipBatches loader = new ClipBatches(data, DataType.FLOAT);
             Scorer scorer = new Scorer(net, data, 50)) {
            for (int epoch = 0; epoch < 6; epoch++) {
                int[] order = new int[data.size(Split.TRAIN)];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                random.shuffle(order);
                Iterator<ClipBatches.Batch> it = loader.iterate(Split.TRAIN, order, 16, epoch);
                while (it.hasNext()) {
                    ClipBatches.Batch b = it.next();
                    var step = net.trainStep(graph, b.clips(), b.oneHot(), Map.of());
                    sgd.step(net.store().trainable(), step.gradients(), 0.05, 5e-4);
                }
            }
            return scorer.fixedTop1(paths);
        }
    }
}
