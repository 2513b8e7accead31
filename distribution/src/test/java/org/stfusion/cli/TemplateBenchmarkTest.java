package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stfusion.core.bench.TemplateBenchmark;
import org.stfusion.core.bench.Workload;
import org.stfusion.core.plugins.PluginCatalog;

/** The benchmark builds exactly the peer's {@code tiny} workload and reports a finite rate. */
class TemplateBenchmarkTest {

    @Test
    void tinyWorkloadIsThePeersNetwork() {
        var bench = new TemplateBenchmark(PluginCatalog.discover(getClass().getClassLoader(), null));
        var r = bench.run(Workload.named("tiny"), "infer", 1, 0);
        assertEquals(265_697L, r.get("params"));
        assertEquals(404_554_648L, r.get("macs_per_clip"));
        assertEquals(22, r.get("gated_paths"));
        assertEquals(23, r.get("p_vars"));
        double clips = (Double) r.get("clips_per_s");
        assertTrue(clips > 0 && Double.isFinite(clips));
    }
}
