package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.PluginRef;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.DatasetSummary;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunResults;

/** {@code stfusion transfer RESULTS --to BACKBONE}: the target named by plugin, preset or name:preset. */
class TransferCommandTest {

    /** A finished micro run: 5 positions, S+ST most likely in the first half, ST after. */
    private static Path finishedRun(Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "name: t\nbackbone: {name: densenet3d, preset: tiny, initFeatures: 8,"
                + " growth: 4, bnSize: 2, blocks: [2, 2]}\ndataset: {name: synthetic, frames: 4, size: 16, trainSize: 8,"
                + " valSize: 4}\n");
        List<PositionMarginal> positions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Map<String, Double> units = i < 3 ? Map.of("S", 0.1, "ST", 0.2, "S+ST", 0.7) : Map.of("S", 0.1, "ST", 0.8, "S+ST", 0.1);
            positions.add(new PositionMarginal("P" + i, Map.of("S", 0.1, "ST", 0.1), Map.of("S", 0.7, "ST", 0.7), units));
        }
        RunResults results = new RunResults(RunResults.FORMAT, new PluginRef("backbone", "densenet3d", "0.1.0"),
                new DatasetSummary("synthetic", "0.1.0", 8, 4, List.of("a", "b"), "x"), List.of(), Map.of(), 1, 1,
                positions, List.of(), Map.of(), null, null, Map.of());
        Path file = dir.resolve("results.json");
        new ObjectMapper().writeValue(file.toFile(), results);
        return file;
    }

    @Test
    void toAPluginNameAndPresetUsesTheRunsDatasetAndFusionPaths(@TempDir Path dir) throws Exception {
        Path results = finishedRun(dir);
        Path out = dir.resolve("strategy.json");
        var r = StfusionCliTest.run("transfer", results.toString(), "--to", "densenet3d:tiny", "--out", out.toString());
        assertEquals(StfusionCli.EXIT_OK, r.code(), r.toString());
        StrategyDescriptor s = new ObjectMapper().readValue(out.toFile(), StrategyDescriptor.class);
        assertEquals("densenet3d", s.backbone().name());
        assertEquals(3 * 3 + 2, s.positions().size(), s.positions().toString()); // tiny: blocks 3-3-3 + 2 transitions
        assertEquals("S+ST", s.units().get(0));
        assertEquals("ST", s.units().get(s.units().size() - 1));
    }

    @Test
    void anUnknownTargetListsTheKnownOnes(@TempDir Path dir) throws Exception {
        Path results = finishedRun(dir);
        String msg = StfusionCliTest.userError(StfusionCliTest.run("transfer", results.toString(), "--to", "vgg16"));
        assertTrue(msg.contains("--to vgg16: no backbone or preset of that name; known: "), msg);
        assertTrue(msg.contains("densenet3d:densenet121"), msg);
        msg = StfusionCliTest.userError(StfusionCliTest.run("transfer", results.toString(), "--to", "tiny"));
        assertTrue(msg.contains("--to tiny: a preset of [") && msg.contains("say which as name:preset"), msg);
        msg = StfusionCliTest.userError(StfusionCliTest.run("transfer", results.toString()));
        assertTrue(msg.contains("CONFIG or --to BACKBONE"), msg);
    }
}
