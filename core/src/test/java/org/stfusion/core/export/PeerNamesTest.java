package org.stfusion.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerNamesTest {
    private static final List<String> POSITIONS = List.of("B1.L1", "B1.L2", "T1", "B2.L1", "B2.L10");

    @Test
    void mapsEveryKindOfArrayOntoThePeersModuleTree() throws Exception {
        Map<String, String> m = PeerNames.map(List.of("stem.conv.weight", "stem.bn.gamma", "stem.bn.runningMean", "stem.bn.runningVar",
                "B1.L1.S.bn.beta", "B1.L1.S.theta", "B1.L1.S.conv.weight", "B1.L2.ST.bn.runningMean",
                "B1.L2.ST.conv.weight", "B1.L2.bn.gamma", "B1.L2.conv.weight", "T1.ST.theta", "B2.L10.S.conv.weight",
                "head.bn.beta", "head.fc.weight", "head.fc.bias", "head.fc.theta"), POSITIONS);
        assertEquals(Map.ofEntries(Map.entry("stem.conv.weight", "stem_conv.weight"),
                Map.entry("stem.bn.gamma", "stem_bn.weight"), Map.entry("stem.bn.runningMean", "stem_bn.running_mean"),
                Map.entry("stem.bn.runningVar", "stem_bn.running_var"),
                Map.entry("B1.L1.S.bn.beta", "stages.0.s_path.bn.bias"),
                Map.entry("B1.L1.S.theta", "stages.0.s_path.gate.theta"),
                Map.entry("B1.L1.S.conv.weight", "stages.0.s_path.conv.weight"),
                Map.entry("B1.L2.ST.bn.runningMean", "stages.1.t_path.bn.running_mean"),
                Map.entry("B1.L2.ST.conv.weight", "stages.1.t_path.conv.weight"),
                Map.entry("B1.L2.bn.gamma", "stages.1.bn.weight"), Map.entry("B1.L2.conv.weight", "stages.1.conv.weight"),
                Map.entry("T1.ST.theta", "stages.2.t_path.gate.theta"),
                Map.entry("B2.L10.S.conv.weight", "stages.4.s_path.conv.weight"),
                Map.entry("head.bn.beta", "head_bn.bias"), Map.entry("head.fc.weight", "fc.weight"),
                Map.entry("head.fc.bias", "fc.bias"), Map.entry("head.fc.theta", "fc_gate.theta")), m);
        assertEquals(List.of("stages.1.t_path.bn.num_batches_tracked", "stem_bn.num_batches_tracked"),
                PeerNames.counters(m.values()).stream().sorted().toList());
    }

    /** A layer gate, a gate per source or a third path have no place in the peer: the export keeps our names. */
    @Test
    void namesThePeerHasNoPlaceFor() {
        for (String name : List.of("B1.L1.D1.theta", "B1.L2.S.source0.theta", "B1.L1.T5.conv.weight", "extra.conv.weight",
                "B1.L1.bn.scale")) {
            PeerNames.NoPeerName e = assertThrows(PeerNames.NoPeerName.class, () -> PeerNames.map(List.of(name), POSITIONS));
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        }
    }
}
