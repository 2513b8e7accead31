package org.stfusion.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;

/** Dropout before the classifier (the warm-up's): what the mask says, the same on both engines. */
class DropoutTest {
    private static final InputSpec IN = new InputSpec(3, 4, 16, 16, 3);
    private static final int BATCH = 4;

    private static TemplateNetwork net(Engine engine) {
        return new TemplateNetwork(TestNetworks.micro(IN), IN, TestNetworks.paths(), new VdpSettings(0.1, 0.2, 3.0, 50),
                DataType.DOUBLE, 11, engine);
    }

    private static BitSet all(TemplateNetwork net) {
        BitSet all = new BitSet();
        all.set(0, net.paths().size());
        return all;
    }

    private static Map<String, INDArray> mask(TemplateNetwork net, double... pattern) {
        INDArray m = Nd4j.create(DataType.DOUBLE, BATCH, net.template().classifierFeatures());
        for (long i = 0; i < m.length(); i++) {
            m.putScalar(i, pattern[(int) (i % pattern.length)]);
        }
        return Map.of(GateInputs.FC_DROPOUT, m);
    }

    @Test
    void aMaskOfOnesIsTheNetworkWithoutDropoutAndOfZerosLeavesOnlyTheBias() {
        TemplateNetwork net = net(Engine.PLANNED);
        INDArray clips = TestNetworks.clips(DataType.DOUBLE, BATCH, IN, 3);
        INDArray oneHot = TestNetworks.oneHot(DataType.DOUBLE, BATCH, 3, 3);
        BuiltGraph dropout = net.fixedGraphWithDropout(all(net));
        double[] plain = net.lossTerms(net.fixedGraph(BnMode.BATCH, all(net)), clips, oneHot, Map.of());
        assertEquals(plain[0], net.lossTerms(dropout, clips, oneHot, mask(net, 1))[0], 1e-12);
        // The classifier's bias starts at 0: without features every class is equally likely.
        assertEquals(Math.log(3), net.lossTerms(dropout, clips, oneHot, mask(net, 0))[0], 1e-12);
        double halved = net.lossTerms(dropout, clips, oneHot, mask(net, 0, 2))[0];
        assertTrue(Math.abs(halved - plain[0]) > 1e-6, "dropping every other feature changes the loss");
        assertThrows(IllegalArgumentException.class, () -> net.lossTerms(dropout, clips, oneHot, Map.of()));
    }

    @Test
    void bothEnginesTrainTheSameStepWithTheSameMask() {
        TemplateNetwork planned = net(Engine.PLANNED);
        TemplateNetwork reference = net(Engine.SAMEDIFF);
        INDArray clips = TestNetworks.clips(DataType.DOUBLE, BATCH, IN, 4);
        INDArray oneHot = TestNetworks.oneHot(DataType.DOUBLE, BATCH, 3, 4);
        var a = planned.trainStep(planned.fixedGraphWithDropout(all(planned)), clips, oneHot, mask(planned, 2, 0, 0, 2, 2));
        var b = reference.trainStep(reference.fixedGraphWithDropout(all(reference)), clips, oneHot,
                mask(reference, 2, 0, 0, 2, 2));
        assertEquals(b.loss(), a.loss(), 1e-9);
        assertEquals(b.gradients().keySet(), a.gradients().keySet());
        b.gradients().forEach((name, g) -> assertTrue(g.equalsWithEps(a.gradients().get(name), 1e-8), name));
        assertTrue(a.gradients().get("head.fc.weight").sumNumber().doubleValue() != 0);
    }
}
