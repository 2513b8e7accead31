package org.stfusion.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;

/** The three fusion forms: a dropped path adds exactly zero, and what each gate's regulariser covers; relu6. */
class FusionFormTest {
    private static final InputSpec IN = new InputSpec(3, 4, 8, 8, 3);

    /** stem - BN - ReLU - two fusion positions of {@code form} (the second on a BN-ReLU of the first) - classifier. */
    private record TwoPositions(FusionForm form) implements Backbone {
        @Override
        public Tensor build(NetworkBuilder b, Tensor x) {
            Tensor h = b.batchNormRelu("stem.bn", b.conv3d("stem.conv", x, 6, Kernel3.of(1, 3, 3), Kernel3.cube(1),
                    Kernel3.of(0, 1, 1)));
            h = b.fusion("P1", h, 8, form);
            h = b.fusion("P2", b.batchNormRelu("P1.bn", h), 4, form);
            return b.classifier("head.fc", b.globalAvgPool(b.batchNormRelu("head.bn", h)), 3);
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("form", form.name());
        }
    }

    private static TemplateNetwork trained(FusionForm form) {
        var net = new TemplateNetwork(new TwoPositions(form), IN, TestNetworks.paths(), new VdpSettings(0.1, 0.2, 3.0, 50),
                DataType.FLOAT, 5);
        // A few steps so that BN shifts and running statistics are far from their neutral start.
        for (int i = 0; i < 3; i++) {
            var step = net.trainStep(net.template(), TestNetworks.clips(DataType.FLOAT, 4, IN, i).addi(1),
                    TestNetworks.oneHot(DataType.FLOAT, 4, 3, i), TestNetworks.noise(DataType.FLOAT, net, 4, i));
            new org.stfusion.core.train.SgdMomentum(0.9).step(net.store().trainable(), step.gradients(), 0.5, 0);
        }
        return net;
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }

    @Test
    void aDroppedPathAddsExactlyZeroInEveryForm() {
        for (FusionForm form : FusionForm.values()) {
            var net = trained(form);
            INDArray x = TestNetworks.clips(DataType.FLOAT, 3, IN, 99);
            boolean[] features = new boolean[net.template().classifierFeatures()];
            Arrays.fill(features, true);
            boolean[] onlyS = new boolean[net.gates().size()];
            boolean[] all = new boolean[net.gates().size()];
            Arrays.fill(all, true);
            for (GateInfo g : net.gates()) {
                onlyS[g.index()] = g.unitName().equals("S");
            }
            BuiltGraph hard = net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING));
            INDArray dropped = net.logits(hard, x, net.hardMasks(onlyS, features));
            INDArray fixedS = net.logits(net.fixedGraph(BnMode.RUNNING, TestNetworks.bits(0)), x, Map.of());
            assertEquals(0.0, maxDiff(dropped, fixedS), form + ": the dropped T paths must add exactly 0");
            INDArray open = net.logits(hard, x, net.hardMasks(all, features));
            INDArray fixedAll = net.logits(net.fixedGraph(BnMode.RUNNING, TestNetworks.bits(0, 1)), x, Map.of());
            assertEquals(0.0, maxDiff(open, fixedAll), 1e-5, form + ": all open = fixed S+ST");
            assertTrue(maxDiff(open, dropped) > 1e-4, form + ": the T paths must matter");
        }
    }

    @Test
    void eachGateRegularisesTheConvolutionOfItsPathOnly() {
        for (FusionForm form : FusionForm.values()) {
            var net = new TemplateNetwork(new TwoPositions(form), IN, TestNetworks.paths(), VdpSettings.defaults(50), DataType.FLOAT, 5);
            assertEquals(4, net.gates().size());
            for (GateInfo g : net.gates()) {
                assertEquals(List.of(g.position() + "." + g.unitName() + ".conv.weight"), g.weightNames(), form.name());
            }
            boolean pathBn = net.store().trainable().containsKey("P1.S.bn.gamma");
            assertEquals(form != FusionForm.ACTIVATED_INPUT, pathBn, form + ": per-path batch norm");
        }
    }

    /** relu6 clips to [0, 6]; its gradient is 1 inside and 0 outside (finite differences, double). */
    @Test
    void relu6ClipsAndPassesGradientsOnlyInside() {
        InputSpec scalar = new InputSpec(1, 1, 1, 1, 2);
        Backbone net = new Backbone() {
            @Override
            public Tensor build(NetworkBuilder b, Tensor x) {
                Tensor h = b.relu6(b.conv3d("scale", x, 1, Kernel3.cube(1), Kernel3.cube(1), Kernel3.cube(0)));
                return b.classifier("fc", b.globalAvgPool(h), 2);
            }

            @Override
            public Map<String, Object> settings() {
                return Map.of();
            }
        };
        var store = new ParameterStore(DataType.DOUBLE, 1);
        NetworkGraph recorded = new GraphRecorder(store, GraphVariant.fixed(BnMode.BATCH, FixedStrategy.of(p -> TestNetworks.bits(0))),
                TestNetworks.paths(), VdpSettings.defaults(1)).record(net, scalar.clipShape(), 2);
        BuiltGraph g = new BuiltGraph(recorded, Engine.forCurrentBackend().compile(recorded, store));
        store.trainable().get("scale.weight").assign(1);
        store.trainable().get("fc.weight").assign(Nd4j.createFromArray(new double[][] {{1, -1}}));
        INDArray x = Nd4j.createFromArray(-3.0, 0.5, 5.0, 7.0).reshape(4, 1, 1, 1, 1);
        INDArray logits = g.executor().logits(x, Map.of());
        assertEquals(Nd4j.createFromArray(0.0, 0.5, 5.0, 6.0), logits.getColumn(0));

        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 0}, {0, 1}});
        INDArray w = store.trainable().get("scale.weight");
        for (double scale : new double[] {1.0, 0.7, 1.3}) {
            w.assign(scale);
            double analytic = g.executor().trainStep(x, y, Map.of()).gradients().get("scale.weight").getDouble(0);
            double h = 1e-6;
            w.assign(scale + h);
            double up = g.executor().lossTerms(x, y, Map.of())[0];
            w.assign(scale - h);
            double down = g.executor().lossTerms(x, y, Map.of())[0];
            assertEquals((up - down) / (2 * h), analytic, 1e-7, "scale " + scale);
            assertTrue(Math.abs(analytic) > 1e-3, "the samples inside (0, 6) pass a gradient");
        }
        // All samples outside [0, 6] after scaling: no gradient at all.
        w.assign(1);
        INDArray outside = Nd4j.createFromArray(-3.0, -1.0, 7.0, 9.0).reshape(4, 1, 1, 1, 1);
        assertEquals(0.0, g.executor().trainStep(outside, y, Map.of()).gradients().get("scale.weight").getDouble(0));
    }
}
