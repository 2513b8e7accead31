package org.stfusion.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.TestNetworks;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.network.TemplateNetwork;

/** Marginals follow the fusion units by name, in the order of fusion.paths, whatever the units are. */
class MarginalsTest {
    private static final InputSpec IN = new InputSpec(3, 4, 16, 16, 3);

    /** A third path kind: a 5x1x1 temporal convolution, unit "T5". */
    private record LongTemporal() implements FusionPath {
        @Override
        public String unitName() {
            return "T5";
        }

        @Override
        public Tensor apply(NetworkBuilder b, String scope, Tensor x, int out) {
            return b.conv3d(scope + ".conv", x, out, Kernel3.of(5, 1, 1), Kernel3.cube(1), Kernel3.of(2, 0, 0));
        }
    }

    @Test
    void columnsAreKeyedByUnitInTheConfiguredOrderWithThreePaths() {
        List<FusionPath> standard = TestNetworks.paths(); // S, ST
        List<FusionPath> paths = List.of(standard.get(1), standard.get(0), new LongTemporal()); // ST, S, T5
        TemplateNetwork net = new TemplateNetwork(TestNetworks.micro(IN), IN, paths, VdpSettings.defaults(50),
                DataType.DOUBLE, 3);
        // A distinct drop rate for every gate, so that a column taken from the wrong path shows.
        for (GateInfo g : net.gates()) {
            net.store().trainable().get(g.thetaName()).putScalar(0, -3 + 0.37 * g.index());
        }
        List<PositionMarginal> marginals = Marginals.compute(net);
        assertEquals(net.positions().size(), marginals.size());
        for (PositionMarginal m : marginals) {
            assertEquals(List.of("ST", "S", "T5"), new ArrayList<>(m.drop().keySet()), m.name());
            double[] kept = new double[3];
            for (int i = 0; i < 3; i++) {
                String unit = paths.get(i).unitName();
                GateInfo gate = gateOf(net, m.name(), unit);
                double p = 1 / (1 + Math.exp(3 - 0.37 * gate.index()));
                assertEquals(p, m.drop().get(unit), 1e-12, m.name() + " drop " + unit);
                kept[i] = 1 - Math.sqrt(p);
                assertEquals(kept[i], m.kept().get(unit), 1e-12, m.name() + " kept " + unit);
            }
            assertEquals(List.of("ST", "S", "T5", "ST+S", "ST+T5", "S+T5", "ST+S+T5"),
                    new ArrayList<>(m.unitMarginals().keySet()), m.name());
            Map<String, Double> u = m.unitMarginals();
            double a = kept[0];
            double b = kept[1];
            double c = kept[2];
            assertEquals(a * (1 - b) * (1 - c), u.get("ST"), 1e-12);
            assertEquals((1 - a) * b * (1 - c), u.get("S"), 1e-12);
            assertEquals(a * (1 - b) * c, u.get("ST+T5"), 1e-12);
            assertEquals(a * b * c, u.get("ST+S+T5"), 1e-12);
            double none = (1 - a) * (1 - b) * (1 - c);
            assertEquals(1, u.values().stream().mapToDouble(Double::doubleValue).sum() + none, 1e-12);
        }
    }

    private static GateInfo gateOf(TemplateNetwork net, String position, String unit) {
        return net.gates().stream().filter(g -> g.position().equals(position) && g.unitName().equals(unit))
                .findFirst().orElseThrow();
    }
}
