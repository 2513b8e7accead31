package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stfusion.core.bench.ScoringBenchmark;
import org.stfusion.core.bench.TemplateBenchmark;
import org.stfusion.core.bench.Workload;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * The benchmark builds exactly the peer's {@code tiny} workload and the default example's template, and reports a
 * finite rate; the scoring benchmark's
 * shared passes score every strategy as the full network does.
 */
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

    @Test
    void exampleWorkloadIsTheDefaultExamplesTemplate() throws java.io.IOException {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(java.nio.file.Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml").toFile());
        Workload w = Workload.named("example");
        var backbone = yaml.get("backbone");
        w.backboneConfig().forEach((key, value) -> assertEquals(String.valueOf(value).replace(" ", ""),
                backbone.get(key).toString().replace(" ", "").replace("\"", ""), "backbone." + key));
        var dataset = yaml.get("dataset");
        assertEquals(dataset.get("frames").asInt(), w.frames());
        assertEquals(dataset.get("size").asInt(), w.size());
        assertEquals(dataset.get("classes").asInt(), w.classes());
        assertEquals(yaml.get("training").get("batchSize").asInt(), w.batch());
        var r = new TemplateBenchmark(PluginCatalog.discover(getClass().getClassLoader(), null)).run(w, "train", 1, 0);
        assertEquals(22_213L, r.get("params"));
        assertEquals(2_349_184L, r.get("macs_per_clip"));
        assertEquals(16, r.get("gated_paths"));
    }

    @Test
    void scoringTogetherScoresEveryStrategyAsTheFullNetwork() {
        var micro = new Workload("micro", 8, 4, 2, java.util.List.of(2, 2), 4, 16, 5, 2);
        var r = new ScoringBenchmark(PluginCatalog.discover(getClass().getClassLoader(), null)).run(micro, 12, 2, 0.4);
        assertEquals(12, r.get("strategies"));
        assertEquals(8, r.get("clips"));
        assertEquals(true, r.get("identical"), "same top-1 for every strategy");
        double speedup = (Double) r.get("speedup");
        assertTrue(speedup > 0 && Double.isFinite(speedup));
    }
}
