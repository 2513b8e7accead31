package org.stfusion.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.PluginRef;
import org.stfusion.api.report.PositionMarginal;

class MarginalTransferTest {
    private static PositionMarginal position(String name, double s, double st, double both) {
        return new PositionMarginal(name, Map.of("S", 0.1, "ST", 0.1), Map.of("S", 0.7, "ST", 0.7), Map.of("S", s, "ST", st, "S+ST", both));
    }

    /** Lower half prefers S+ST, upper half ST (the paper's "locality" pattern) carries over by relative depth. */
    @Test
    void unitsFollowRelativeDepth() {
        var source = List.of(position("B1.L1", 0.1, 0.2, 0.6), position("B1.L2", 0.1, 0.3, 0.5),
                position("B2.L1", 0.1, 0.6, 0.2), position("B2.L2", 0.2, 0.5, 0.3));
        var target = new PluginRef("backbone", "other", "1");
        var deep = MarginalTransfer.derive(source, target,
                List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"), "t");
        assertEquals(List.of("S+ST", "S+ST", "S+ST", "S+ST", "ST", "ST", "ST", "ST"), deep.units());
        assertEquals("other", deep.backbone().name());
        var shallow = MarginalTransfer.derive(source, target, List.of("a", "b"), "t");
        assertEquals(List.of("S+ST", "ST"), shallow.units());
    }
}
