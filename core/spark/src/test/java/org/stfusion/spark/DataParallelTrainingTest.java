package org.stfusion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * Data-parallel template training on Spark ({@code local[2]}): one worker trains exactly as the local trainer does,
 * bit for bit, whether it averages once an epoch or every two steps; two workers average real differences.
 */
class DataParallelTrainingTest {
    private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().getParent()
            .resolve("examples/synthetic-motion.yaml");
    private static final List<String> MICRO = List.of("backbone.preset=tiny", "backbone.initFeatures=8", "backbone.growth=8",
            "backbone.bnSize=2", "backbone.blocks=[2,2]", "dataset.classes=2", "dataset.size=16", "dataset.trainSize=64",
            "dataset.valSize=32", "training.warmupEpochs=1", "training.vdpEpochs=1", "training.lrSteps=[]",
            "training.batchSize=16", "sampling.count=6", "reporters=[json]");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The strategies are scored on Spark too: a stage for each protocol, of local[2]'s 2 tasks. */
    private static final int SCORING_TASKS = 4;

    @TempDir
    static Path tmp;
    private static PluginCatalog plugins;
    private static Path local;

    @BeforeAll
    static void trainLocally() {
        plugins = PluginCatalog.discover(DataParallelTrainingTest.class.getClassLoader(), null);
        local = run("local", List.of());
    }

    @Test
    void oneWorkerTrainsBitForBitAsTheLocalTrainer() throws IOException {
        TaskCounter.reset();
        Path spark = run("p1", List.of("execution.engine=spark", "execution.master=\"local[2]\"",
                "execution.dataParallel={workers: 1}", TaskCounter.OVERRIDE));
        assertSameArrays(local, spark);
        assertEquals(strategies(local), strategies(spark));
        // an epoch a round: the warm-up's and the v-DropPath's; then scoring, 2 stages of 2 tasks
        assertEquals(2 + SCORING_TASKS, TaskCounter.SUCCEEDED.get());
        assertEquals(Map.of("workers", 1, "averageEvery", 0), JSON.convertValue(
                JSON.readTree(spark.resolve("results.json").toFile()).at("/training/history/0/dataParallel"), Map.class));
    }

    @Test
    void oneWorkerAveragingEveryTwoStepsStillTrainsAsTheLocalTrainer() throws IOException {
        TaskCounter.reset();
        Path spark = run("p1k2", List.of("execution.engine=spark", "execution.master=\"local[2]\"",
                "execution.dataParallel={workers: 1, averageEvery: 2}", TaskCounter.OVERRIDE));
        assertSameArrays(local, spark);
        // 64 clips in batches of 16: 4 steps an epoch, 2 rounds of 2 steps, 2 epochs
        assertEquals(4 + SCORING_TASKS, TaskCounter.SUCCEEDED.get());
    }

    /**
     * Stopped at an averaging point inside an epoch (every attempt of the next round fails, so the command stops),
     * the run resumes from the checkpoint written there and ends exactly as an uninterrupted one.
     */
    @Test
    void aRunStoppedAtAnAveragingPointResumesThere() throws IOException {
        List<String> execution = List.of("execution.engine=spark", "execution.master=\"local[2]\"",
                "execution.dataParallel={workers: 1, averageEvery: 2}");
        Path dir = tmp.resolve("stopped");
        System.setProperty(InjectedFailure.DATA_PARALLEL, "vdp:1:2");
        try {
            org.stfusion.core.run.UserException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.stfusion.core.run.UserException.class, () -> run(dir, execution, false));
            assertTrue(e.getMessage().contains("continue with --resume"), e.getMessage());
        } finally {
            System.clearProperty(InjectedFailure.DATA_PARALLEL);
        }
        try (var files = Files.list(dir.resolve("checkpoints"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("epoch-0001-batch-000002.zip")),
                    "a checkpoint at the averaging point after 2 of the v-DropPath epoch's 4 batches");
        }
        run(dir, execution, true);
        assertSameArrays(local, dir);
        assertEquals(strategies(local), strategies(dir));
    }

    @Test
    void twoWorkersAverageTheirModels() throws IOException {
        TaskCounter.reset();
        Path spark = run("p2", List.of("execution.engine=spark", "execution.master=\"local[2]\"",
                "execution.dataParallel={workers: 2, averageEvery: 1}", TaskCounter.OVERRIDE));
        // 4 steps an epoch: 2 rounds of a step on each of the 2 workers, 2 epochs
        assertEquals(8 + SCORING_TASKS, TaskCounter.SUCCEEDED.get());
        Map<String, byte[]> a = arrays(local);
        Map<String, byte[]> b = arrays(spark);
        assertEquals(a.keySet(), b.keySet());
        assertFalse(a.keySet().stream().allMatch(k -> java.util.Arrays.equals(a.get(k), b.get(k))),
                "two workers train another model than one");
        JsonNode history = JSON.readTree(spark.resolve("results.json").toFile()).at("/training/history");
        for (JsonNode epoch : history) {
            assertTrue(Double.isFinite(epoch.get("trainLoss").asDouble()), epoch.toString());
            assertEquals(2, epoch.at("/dataParallel/workers").asInt());
        }
    }

    private static Path run(String name, List<String> execution) {
        Path dir = tmp.resolve(name);
        run(dir, execution, false);
        return dir;
    }

    private static void run(Path dir, List<String> execution, boolean resume) {
        List<String> overrides = new ArrayList<>(MICRO);
        overrides.addAll(execution);
        try (Experiment e = Experiment.open(plugins, ExperimentConfig.load(EXAMPLE, overrides), dir,
                new PrintStream(new ByteArrayOutputStream()))) {
            e.run(resume);
        }
    }

    private static void assertSameArrays(Path expected, Path actual) throws IOException {
        Map<String, byte[]> a = arrays(expected);
        Map<String, byte[]> b = arrays(actual);
        assertEquals(a.keySet(), b.keySet());
        assertFalse(a.isEmpty());
        a.forEach((name, bytes) -> assertArrayEquals(bytes, b.get(name), name));
    }

    /** Every array entry (weights, θ, statistics, velocities) of the run's newest checkpoint. */
    private static Map<String, byte[]> arrays(Path run) throws IOException {
        Path newest;
        try (var files = Files.list(run.resolve("checkpoints"))) {
            newest = files.filter(f -> f.getFileName().toString().startsWith("epoch-")).sorted()
                    .reduce((x, y) -> y).orElseThrow();
        }
        Map<String, byte[]> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(newest.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.getName().equals("manifest.json")) {
                    out.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
        }
        return out;
    }

    private static JsonNode strategies(Path run) throws IOException {
        return JSON.readTree(run.resolve("scores.json").toFile()).get("strategies");
    }
}
