package org.stfusion.core.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.DenseFixture;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.TestNetworks;
import org.stfusion.core.engine.VdpSettings;

/**
 * Evaluation at another height and width than training: a network made at 16 px runs its weights through a graph
 * recorded at 24 px, and gives what the same weights give in a network built at 24 px, on either engine; sizes the
 * layers cannot take, and backbones that would need other weights, are refused.
 */
class EvaluationSizeTest {
    private static final InputSpec TRAIN = new InputSpec(3, 4, 16, 16, 3);
    private static final InputSpec LARGER = new InputSpec(3, 4, 24, 20, 3);
    private static final VdpSettings VDP = new VdpSettings(0.1, 0.2, 3.0, 50);
    private static final GraphVariant HARD = GraphVariant.template(GateMode.HARD, BnMode.RUNNING);

    private static TemplateNetwork dense(InputSpec in, Engine engine) {
        return new TemplateNetwork(new DenseFixture(8, 4, 2, List.of(2, 2), in.classes()), in, DenseFixture.paths(), VDP,
                DataType.DOUBLE, 11, engine);
    }

    /** A template with trained-looking weights and running statistics: one warm-up and one v-DropPath step. */
    private static TemplateNetwork trainedAt16() {
        TemplateNetwork net = dense(TRAIN, Engine.PLANNED);
        INDArray clips = TestNetworks.clips(DataType.DOUBLE, 4, TRAIN, 3);
        INDArray labels = TestNetworks.oneHot(DataType.DOUBLE, 4, TRAIN.classes(), 4);
        BitSet all = TestNetworks.bits(0, 1);
        net.trainStep(net.fixedGraph(BnMode.BATCH, all), clips, labels, Map.of());
        net.trainStep(net.template(), clips, labels, TestNetworks.noise(DataType.DOUBLE, net, 4, 5));
        return net;
    }

    private static void copyWeights(TemplateNetwork from, TemplateNetwork to) {
        assertEquals(from.store().trainable().keySet(), to.store().trainable().keySet());
        from.store().trainable().forEach((name, a) -> to.store().trainable().get(name).assign(a));
        from.store().state().forEach((name, a) -> to.store().state().get(name).assign(a));
    }

    private static double maxDifference(INDArray a, INDArray b) {
        assertEquals(List.of(a.shape()[0], a.shape()[1]), List.of(b.shape()[0], b.shape()[1]));
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void logitsAtTheTestSizeAreThoseOfANetworkBuiltAtThatSizeWithTheSameWeightsOnEitherEngine() {
        TemplateNetwork trained = trainedAt16();
        TemplateNetwork reference = dense(LARGER, Engine.SAMEDIFF);
        TemplateNetwork plannedThere = dense(LARGER, Engine.PLANNED);
        copyWeights(trained, reference);
        copyWeights(trained, plannedThere);
        INDArray clips = TestNetworks.clips(DataType.DOUBLE, 3, LARGER, 8);
        Random r = new Random(9);
        for (int trial = 0; trial < 3; trial++) {
            boolean[] keep = new boolean[trained.gates().size()];
            for (int g = 0; g < keep.length; g++) {
                keep[g] = trial == 0 || r.nextBoolean();
            }
            boolean[] features = new boolean[trained.template().classifierFeatures()];
            for (int f = 0; f < features.length; f++) {
                features[f] = trial == 0 || r.nextInt(4) > 0;
            }
            Map<String, INDArray> masks = trained.hardMasks(keep, features);
            BuiltGraph atTestSize = trained.graph(HARD, LARGER.clipShape());
            assertEquals(LARGER.clipShape(), atTestSize.inputShape());
            INDArray logits = trained.logits(atTestSize, clips, masks);
            assertTrue(maxDifference(reference.logits(reference.graph(HARD), clips, masks), logits) < 1e-9,
                    "planned at 24x20 from a 16 px network vs SameDiff built at 24x20, trial " + trial);
            assertTrue(maxDifference(plannedThere.logits(plannedThere.graph(HARD), clips, masks), logits) < 1e-12,
                    "vs planned built at 24x20, trial " + trial);
        }
        // the ungated fixed networks (the warm-up's validation) likewise
        BitSet all = TestNetworks.bits(0, 1);
        INDArray fixed = trained.logits(trained.fixedGraph(BnMode.RUNNING, all, LARGER.clipShape()), clips, Map.of());
        assertTrue(maxDifference(reference.logits(reference.fixedGraph(BnMode.RUNNING, all), clips, Map.of()), fixed) < 1e-9);
        // one graph per size, made once; the training-size graph is still the training-size one
        assertSame(trained.graph(HARD, LARGER.clipShape()), trained.graph(HARD, LARGER.clipShape()));
        assertNotSame(trained.graph(HARD), trained.graph(HARD, LARGER.clipShape()));
        assertEquals(TRAIN.clipShape(), trained.graph(HARD).inputShape());
    }

    @Test
    void aStandaloneNetworkScoresAtAnotherSizeAsOneBuiltThere() {
        Backbone backbone = new DenseFixture(8, 4, 2, List.of(2, 2), TRAIN.classes());
        var pathsAt = (org.stfusion.core.engine.FixedStrategy) pos -> TestNetworks.bits(pos.startsWith("T") ? 0 : 1);
        StandaloneNetwork net = new StandaloneNetwork(backbone, TRAIN, DenseFixture.paths(), pathsAt, DataType.DOUBLE, 5,
                Engine.PLANNED);
        StandaloneNetwork there = new StandaloneNetwork(backbone, LARGER, DenseFixture.paths(), pathsAt, DataType.DOUBLE,
                6, Engine.SAMEDIFF);
        net.store().trainable().forEach((name, a) -> there.store().trainable().get(name).assign(a));
        net.store().state().forEach((name, a) -> there.store().state().get(name).assign(a.add(0.25)));
        net.store().state().forEach((name, a) -> a.addi(0.25));
        INDArray clips = TestNetworks.clips(DataType.DOUBLE, 2, LARGER, 10);
        BuiltGraph g = net.evaluation(LARGER.clipShape());
        assertSame(g, net.evaluation(LARGER.clipShape()));
        assertSame(net.evaluation(), net.evaluation(TRAIN.clipShape()));
        assertTrue(maxDifference(there.evaluation().executor().logits(clips, Map.of()),
                g.executor().logits(clips, Map.of())) < 1e-9);
    }

    @Test
    void sizesTheLayersCannotTakeAreRefused() {
        TemplateNetwork net = dense(TRAIN, Engine.PLANNED);
        // 4 px: the stem halves it twice, and the transition's 2x2 average pool has one pixel left
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> net.graph(HARD, Shape.volume(3, 4, 4, 4)));
        assertTrue(small.getMessage().startsWith("the network cannot take clips of 4x4 px: average pool: input"),
                small.getMessage());
        IllegalArgumentException frames = assertThrows(IllegalArgumentException.class,
                () -> net.graph(HARD, Shape.volume(3, 8, 16, 16)));
        assertTrue(frames.getMessage().contains("clips of 3 channels and 4 frames"), frames.getMessage());
        // 5 px is the smallest the fixture takes, so the key's message can say so
        net.graph(HARD, Shape.volume(3, 4, 5, 5));

        ConfigException e = assertThrows(ConfigException.class, () -> NetworkSize.checkValidationSize("dataset.testSize",
                new DenseFixture(8, 4, 2, List.of(2, 2), 3), TRAIN,
                new InputSpec(3, 4, 4, 4, 3), DenseFixture.paths()));
        assertEquals("dataset.testSize", e.key());
        assertTrue(e.getMessage().startsWith("dataset.testSize: validation clips of 4x4 px are too small for the backbone: "
                + "average pool (input [8x4x1x1], kernel 1x2x2) would have no output pixel; it takes clips of at least "
                + "5x5 px"), e.getMessage());
        NetworkSize.checkValidationSize("dataset.testSize", new DenseFixture(8, 4, 2, List.of(2, 2), 3), TRAIN, LARGER,
                DenseFixture.paths());
    }

    /** A backbone whose classifier width depends on the input size: it is not one network at every size. */
    private record SizeDependent(int classes) implements Backbone {
        @Override
        public Tensor build(NetworkBuilder b, Tensor x) {
            int width = x.shape().height() / 2;
            Tensor h = b.conv3d("conv", x, width, Kernel3.of(1, 3, 3), Kernel3.cube(1), Kernel3.of(0, 1, 1));
            Tensor fused = b.fusion("P1", b.batchNormRelu("bn", h), width);
            return b.classifier("fc", b.globalAvgPool(fused), classes);
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of();
        }
    }

    @Test
    void aBackboneThatWouldNeedOtherWeightsAtAnotherSizeIsRefused() {
        InputSpec small = new InputSpec(3, 2, 8, 8, 2);
        TemplateNetwork net = new TemplateNetwork(new SizeDependent(2), small, DenseFixture.paths(), VDP, DataType.FLOAT,
                1, Engine.PLANNED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.graph(HARD, Shape.volume(3, 2, 12, 12)));
        assertTrue(e.getMessage().startsWith("the network cannot take clips of 12x12 px: the backbone declares conv.weight "
                + "as [1, 3, 3, 3, 6], but the network's weights hold it as [1, 3, 3, 3, 4]"), e.getMessage());
        ConfigException config = assertThrows(ConfigException.class, () -> NetworkSize.checkValidationSize(
                "dataset.testSize", new SizeDependent(2), small, new InputSpec(3, 2, 12, 12, 2), DenseFixture.paths()));
        assertTrue(config.getMessage().startsWith("dataset.testSize: the backbone declares other weights for validation "
                + "clips of 12x12 px than for the training clips of 8x8 px (conv.weight)"), config.getMessage());
    }
}
