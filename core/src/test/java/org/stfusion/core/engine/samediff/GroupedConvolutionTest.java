package org.stfusion.core.engine.samediff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.FixedStrategy;
import org.stfusion.core.engine.GraphRecorder;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.TestNetworks;
import org.stfusion.core.engine.VdpSettings;

/**
 * Every construction of a grouped or depthwise convolution equals the concatenation of per-group plain
 * conv3d's, and its gradients match finite differences (double precision).
 */
class GroupedConvolutionTest {

    /** A grouped convolution to test: input [N, C, T, H, W], groups, output channels, kernel, stride, padding. */
    private record Case(String name, long[] x, int groups, int out, Kernel3 k, Kernel3 s, Kernel3 p) {
        Shape in() {
            return Shape.volume((int) x[1], (int) x[2], (int) x[3], (int) x[4]);
        }

        Shape output() {
            return Shape.volume(out, size(x[2], k.t(), s.t(), p.t()), size(x[3], k.h(), s.h(), p.h()),
                    size(x[4], k.w(), s.w(), p.w()));
        }

        long[] weight() {
            return new long[] {k.t(), k.h(), k.w(), x[1] / groups, out};
        }

        private static int size(long in, int k, int s, int p) {
            return (int) ((in + 2 * p - k) / s + 1);
        }
    }

    private interface Construction {
        SDVariable apply(SameDiff sd, SDVariable x, SDVariable w);
    }

    private static final Case GROUPED = new Case("3 groups of 2->2, 1x3x3 stride (1,2,2)", new long[] {2, 6, 3, 5, 6},
            3, 6, Kernel3.of(1, 3, 3), Kernel3.of(1, 2, 2), Kernel3.of(0, 1, 1));
    private static final Case GROUPED_3D = new Case("2 groups of 2->3, 3x3x3", new long[] {1, 4, 4, 4, 4}, 2, 6,
            Kernel3.cube(3), Kernel3.cube(1), Kernel3.cube(1));
    private static final Case DEPTHWISE = new Case("depthwise 4 channels, 1x3x3 stride (1,2,2)", new long[] {2, 4, 3, 5, 5},
            4, 4, Kernel3.of(1, 3, 3), Kernel3.of(1, 2, 2), Kernel3.of(0, 1, 1));
    private static final Case DEPTHWISE_MULTIPLIER = new Case("depthwise 3 channels x2, 1x3x3", new long[] {1, 3, 2, 4, 4},
            3, 6, Kernel3.of(1, 3, 3), Kernel3.cube(1), Kernel3.of(0, 1, 1));

    /** Every construction that applies to {@code c}: block-diagonal at every chunk size, depthwise if possible. */
    private static Map<String, Construction> constructions(Case c) {
        Map<String, Construction> all = new LinkedHashMap<>();
        for (int size = 1; size <= c.groups(); size++) {
            if (c.groups() % size == 0) {
                int chunk = size;
                all.put("block-diagonal, " + chunk + " groups per chunk", (sd, x, w) -> GroupedConvolution.blockDiagonal(
                        sd, x, w, c.in(), c.output(), c.k(), c.s(), c.p(), c.groups(), chunk));
            }
        }
        if (GroupedConvolution.depthwiseApplies(c.in(), c.k(), c.s(), c.p(), c.groups())) {
            all.put("depthwise 2D", (sd, x, w) -> GroupedConvolution.depthwise(sd, x, w, c.in(), c.output(), c.k(), c.s(), c.p()));
        }
        all.put("the engine's choice", (sd, x, w) -> GroupedConvolution.apply(sd, x, w, c.in(), c.output(), c.k(), c.s(),
                c.p(), c.groups()));
        return all;
    }

    private static INDArray random(DataType dt, long[] shape, long seed) {
        Random r = new Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextGaussian());
        }
        return a.castTo(dt);
    }

    /** Per group: plain conv3d of the group's input channels with the group's output columns; concatenated. */
    private static INDArray perGroupReference(Case c, INDArray x, INDArray w) {
        int inPerGroup = (int) (c.x()[1] / c.groups());
        int outPerGroup = c.out() / c.groups();
        List<INDArray> outputs = new ArrayList<>();
        for (int g = 0; g < c.groups(); g++) {
            SameDiff sd = SameDiff.create();
            INDArray xg = x.get(NDArrayIndex.all(), NDArrayIndex.interval(g * inPerGroup, (g + 1) * inPerGroup),
                    NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
            INDArray wg = w.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).dup();
            SDVariable y = sd.cnn().conv3d(sd.constant(xg), sd.constant(wg), GroupedConvolution.conv3dConfig(c.k(), c.s(), c.p()));
            outputs.add(y.eval());
        }
        return Nd4j.concat(1, outputs.toArray(INDArray[]::new));
    }

    private static INDArray output(Construction construction, INDArray x, INDArray w) {
        SameDiff sd = SameDiff.create();
        return construction.apply(sd, sd.constant(x), sd.constant(w)).eval();
    }

    @Test
    void everyConstructionEqualsPerGroupPlainConvolutions() {
        for (Case c : List.of(GROUPED, GROUPED_3D, DEPTHWISE, DEPTHWISE_MULTIPLIER)) {
            INDArray x = random(DataType.FLOAT, c.x(), 1);
            INDArray w = random(DataType.FLOAT, c.weight(), 2);
            INDArray expected = perGroupReference(c, x, w);
            assertArrayEquals(new long[] {c.x()[0], c.out(), c.output().frames(), c.output().height(), c.output().width()},
                    expected.shape(), c.name());
            for (var e : constructions(c).entrySet()) {
                INDArray y = output(e.getValue(), x, w);
                assertArrayEquals(expected.shape(), y.shape(), c.name() + ", " + e.getKey());
                double diff = Transforms.abs(y.sub(expected)).maxNumber().doubleValue();
                assertEquals(0, diff, 1e-5, c.name() + ", " + e.getKey());
            }
        }
        // A dense conv over all channels differs: the reference really is grouped.
        INDArray x = random(DataType.FLOAT, GROUPED.x(), 1);
        INDArray full = random(DataType.FLOAT, new long[] {1, 3, 3, 6, 6}, 2);
        SameDiff sd = SameDiff.create();
        INDArray dense = sd.cnn().conv3d(sd.constant(x), sd.constant(full),
                GroupedConvolution.conv3dConfig(GROUPED.k(), GROUPED.s(), GROUPED.p())).eval();
        INDArray grouped = perGroupReference(GROUPED, x, full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(0, 2), NDArrayIndex.all()).dup());
        assertTrue(Transforms.abs(dense.sub(grouped)).maxNumber().doubleValue() > 1e-2);
    }

    /** d(Σ y·r)/dx and /dw against central differences, for a grouped and a depthwise case. */
    @Test
    void gradientsMatchFiniteDifferences() {
        for (Case c : List.of(GROUPED, DEPTHWISE_MULTIPLIER)) {
            for (var e : constructions(c).entrySet()) {
                SameDiff sd = SameDiff.create();
                INDArray xa = random(DataType.DOUBLE, c.x(), 3);
                INDArray wa = random(DataType.DOUBLE, c.weight(), 4);
                SDVariable x = sd.var("x", xa);
                SDVariable w = sd.var("w", wa);
                SDVariable y = e.getValue().apply(sd, x, w);
                INDArray r = random(DataType.DOUBLE, y.eval().shape(), 5);
                y.mul(sd.constant(r)).sum().rename("loss");
                sd.setLossVariables("loss");
                Map<String, INDArray> grads = sd.calculateGradients(Map.of(), "x", "w");
                Random pick = new Random(6);
                for (var param : List.of(Map.entry("x", xa), Map.entry("w", wa))) {
                    INDArray a = param.getValue();
                    for (int n = 0; n < 6; n++) {
                        long i = pick.nextInt((int) a.length());
                        double v = a.getDouble(i);
                        double h = 1e-6;
                        a.putScalar(i, v + h);
                        double up = sd.output(Map.of(), "loss").get("loss").getDouble(0);
                        a.putScalar(i, v - h);
                        double down = sd.output(Map.of(), "loss").get("loss").getDouble(0);
                        a.putScalar(i, v);
                        double numeric = (up - down) / (2 * h);
                        double analytic = grads.get(param.getKey()).getDouble(i);
                        assertEquals(numeric, analytic, 1e-6 + 1e-6 * Math.abs(numeric),
                                c.name() + ", " + e.getKey() + ", d/d" + param.getKey() + "[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void smallGroupedConvsAreOneConvAndLargeOnesOnePerGroup() {
        Kernel3 k = Kernel3.of(1, 3, 3);
        // ResNeXt tiny's last stage at 4x1x1: 4 groups of 16 -> one block-diagonal conv.
        assertEquals(4, GroupedConvolution.chunkSize(Shape.volume(64, 4, 1, 1), Shape.volume(64, 4, 1, 1), k, 4));
        // ResNeXt-50's first stage at 16x28x28: 32 groups of 4 -> one conv per group.
        assertEquals(1, GroupedConvolution.chunkSize(Shape.volume(128, 16, 28, 28), Shape.volume(128, 16, 28, 28), k, 32));
        // A temporal depthwise conv over 960 channels: 32 chunks of 30 channels, not 960 convs.
        assertEquals(30, GroupedConvolution.chunkSize(Shape.volume(960, 16, 14, 14), Shape.volume(960, 16, 14, 14),
                Kernel3.cube(3), 960));
    }

    /** The builder counts out * in/groups * kernel weights and MACs per output voxel, and keeps the 1-group path. */
    @Test
    void theBuilderCountsGroupedSizes() {
        InputSpec in = new InputSpec(3, 2, 8, 8, 2);
        Backbone net = new Backbone() {
            @Override
            public Tensor build(NetworkBuilder b, Tensor x) {
                Tensor h = b.conv3d("stem", x, 8, Kernel3.cube(1), Kernel3.cube(1), Kernel3.cube(0));
                h = b.conv3d("grouped", h, 12, Kernel3.of(1, 3, 3), Kernel3.of(1, 2, 2), Kernel3.of(0, 1, 1), 4);
                h = b.conv3d("depthwise", h, 12, Kernel3.of(1, 3, 3), Kernel3.cube(1), Kernel3.of(0, 1, 1), 12);
                return b.classifier("fc", b.globalAvgPool(h), 2);
            }

            @Override
            public Map<String, Object> settings() {
                return Map.of();
            }
        };
        var store = new ParameterStore(DataType.FLOAT, 1);
        NetworkGraph g = new GraphRecorder(store, GraphVariant.fixed(BnMode.RUNNING, FixedStrategy.of(p -> TestNetworks.bits(0))),
                TestNetworks.paths(), VdpSettings.defaults(1)).record(net, in.clipShape(), 2);
        assertArrayEquals(new long[] {1, 3, 3, 2, 12}, store.trainable().get("grouped.weight").shape());
        assertArrayEquals(new long[] {1, 3, 3, 1, 12}, store.trainable().get("depthwise.weight").shape());
        assertEquals(3 * 8 + 12 * 2 * 9 + 12 * 9 + 12 * 2 + 2, store.parameterCount());
        long voxels = 2 * 4 * 4;
        assertEquals(2 * 64 * 3 * 8 + voxels * 12 * 2 * 9 + voxels * 12 * 9 + 12 * 2, g.macs());
        INDArray logits = new SameDiffExecutor(g, store).logits(random(DataType.FLOAT, new long[] {2, 3, 2, 8, 8}, 1), Map.of());
        assertArrayEquals(new long[] {2, 2}, logits.shape());
    }
}
