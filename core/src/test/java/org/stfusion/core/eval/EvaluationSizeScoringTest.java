package org.stfusion.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.DenseFixture;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.TestNetworks;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;

/**
 * Scoring at another size than training: validation clips of 24x20 px through a network trained on 16 px clips give
 * finite scores and the logits of the same weights built at 24x20; batch-norm recalibration still runs on the 16 px
 * training clips and leaves the template's statistics as they were.
 */
class EvaluationSizeScoringTest {
    private static final InputSpec TRAIN = new InputSpec(3, 4, 16, 16, 3);
    private static final InputSpec VALIDATION = new InputSpec(3, 4, 24, 20, 3);

    /** Random clips: training ones at 16 px, validation ones at 24x20 px, labels i mod 3. */
    private static final class TwoSizes implements Dataset {
        @Override
        public InputSpec inputSpec() {
            return TRAIN;
        }

        @Override
        public InputSpec inputSpec(Split split) {
            return split == Split.TRAIN ? TRAIN : VALIDATION;
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public int size(Split split) {
            return split == Split.TRAIN ? 12 : 7;
        }

        @Override
        public Clip clip(Split split, int index, long seed) {
            InputSpec in = inputSpec(split);
            Random r = new Random(split.ordinal() * 1000L + index);
            float[] data = new float[(int) in.clipValues()];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) r.nextGaussian();
            }
            return new Clip(split.label() + index, data, index % 3);
        }

        @Override
        public String manifestHash() {
            return "two-sizes";
        }
    }

    private static TemplateNetwork network(InputSpec in, Engine engine) {
        return new TemplateNetwork(new DenseFixture(8, 4, 2, List.of(2, 2), 3), in, DenseFixture.paths(),
                new VdpSettings(0.1, 0.2, 3.0, 50), DataType.DOUBLE, 11, engine);
    }

    @Test
    void aNetworkTrainedAt16PxScoresValidationClipsOfAnotherSize() {
        Dataset data = new TwoSizes();
        TemplateNetwork net = network(TRAIN, Engine.PLANNED);
        // a few training steps on 16 px clips, so that the running statistics are the network's own
        try (ClipBatches loader = new ClipBatches(data, DataType.DOUBLE)) {
            var batches = loader.iterate(Split.TRAIN, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 4, 1);
            while (batches.hasNext()) {
                ClipBatches.Batch b = batches.next();
                assertEquals(16, b.clips().size(3));
                net.trainStep(net.fixedGraph(BnMode.BATCH, TestNetworks.bits(0, 1)), b.clips(), b.oneHot(), Map.of());
            }
            var validation = loader.iterateViews(Split.VALIDATION, new int[] {0, 1}, 4).next();
            assertArrayEquals(new long[] {2, 3, 4, 24, 20}, validation.clips().shape());
        }
        boolean[] paths = new boolean[net.gates().size()];
        Arrays.fill(paths, true);
        paths[1] = false;
        boolean[] features = new boolean[net.template().classifierFeatures()];
        Arrays.fill(features, true);
        Map<String, INDArray> before = copy(net.store().state());
        try (Scorer scorer = new Scorer(net, data, 4)) {
            assertEquals(VALIDATION.clipShape(), scorer.validationShape());
            for (Scorer s : List.of(scorer, scorer.recalibrating(2))) {
                Scorer.Score score = s.score(paths, features);
                assertTrue(score.top1() >= 0 && score.top1() <= 1 && score.nonFiniteItems() == 0, score.toString());
                assertTrue(Double.isFinite(s.allKeptTop1()));
                assertTrue(Double.isFinite(s.fixedTop1(TestNetworks.bits(0, 1))));
            }
            assertEquals(before, copy(net.store().state()), "recalibration restores the template's statistics");

            // the logits scored are those of the same weights built at 24x20, on the reference engine
            TemplateNetwork there = network(VALIDATION, Engine.SAMEDIFF);
            net.store().trainable().forEach((name, a) -> there.store().trainable().get(name).assign(a));
            net.store().state().forEach((name, a) -> there.store().state().get(name).assign(a));
            INDArray clips = TestNetworks.clips(DataType.DOUBLE, 3, VALIDATION, 5);
            INDArray expected = there.logits(there.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), clips,
                    there.hardMasks(paths, features));
            INDArray actual = scorer.logits(paths, features, clips);
            assertTrue(expected.sub(actual).amaxNumber().doubleValue() < 1e-9);
            // and clips of the training size still go through the training-size graph
            assertEquals(2, scorer.logits(paths, features, TestNetworks.clips(DataType.DOUBLE, 2, TRAIN, 6)).size(0));

            // a graph of the training size cannot score the validation clips
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scorer.evaluate(net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), Map.of()));
            assertTrue(e.getMessage().contains("cannot score validation clips of [3x4x24x20]"), e.getMessage());
        }
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> arrays) {
        Map<String, INDArray> m = new HashMap<>();
        arrays.forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }
}
