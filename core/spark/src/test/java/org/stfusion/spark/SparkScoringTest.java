package org.stfusion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * Strategy scoring on Spark inside the test's JVM ({@code local[2]}) gives every strategy exactly the score the
 * local run gave it, with and without successive halving, and when a task dies half-way and is retried.
 */
class SparkScoringTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Path trained;
    private static PluginCatalog plugins;

    /** The micro run, trained and scored in this process: the reference every Spark scoring must equal. */
    @BeforeAll
    static void trainOnce() throws IOException {
        plugins = MicroRun.plugins();
        trained = MicroRun.trained();
    }

    /**
     * Tasks get the trained template from the submitter (Spark's broadcast), not from the run's checkpoint: scoring
     * on Spark still gives the local scores after the checkpoints are gone from the run folder.
     */
    @Test
    void tasksDoNotNeedTheCheckpoint() throws IOException {
        Path copy = MicroRun.copy(trained, tmp, "no-checkpoint");
        Map<String, org.stfusion.core.eval.Scorer.Score> local;
        try (Experiment e = Experiment.open(plugins, ExperimentConfig.loadRunDir(copy), copy, quiet())) {
            local = e.scoring().score(e.sampledRequests(), r -> { });
        }
        try (Experiment e = Experiment.open(plugins, ExperimentConfig.loadRunDir(copy, List.of("execution.engine=spark",
                "execution.master=\"local[2]\"")), copy, quiet())) {
            var requests = e.sampledRequests(); // the submitter loads the checkpoint
            Path away = tmp.resolve("checkpoints-moved-away");
            Files.move(copy.resolve("checkpoints"), away);
            try {
                assertEquals(local, e.scoring().score(requests, r -> { }));
            } finally {
                Files.move(away, copy.resolve("checkpoints"));
            }
        }
    }

    @Test
    void sparkScoringEqualsLocalScoringStrategyByStrategy() throws IOException {
        JsonNode local = scores(trained);
        TaskCounter.reset();
        JsonNode spark = scoreAgain(List.of("execution.engine=spark", "execution.master=local[2]", "execution.partitions=3",
                TaskCounter.OVERRIDE));
        assertSameScores(local, spark);
        // one stage of 3 tasks for the strategies under the run's protocol, one for the other protocol
        assertEquals(6, TaskCounter.SUCCEEDED.get());
        assertEquals(0, TaskCounter.FAILED.get());
    }

    @Test
    void successiveHalvingRoundsOnSparkEqualTheLocalOnes() throws IOException {
        List<String> halving = List.of("sampling.successiveHalving=true", "sampling.halvingFirstSlice=0.25");
        JsonNode local = scoreAgain(halving);
        List<String> onSpark = new ArrayList<>(halving);
        onSpark.addAll(List.of("execution.engine=spark", "execution.master=local[2]", TaskCounter.OVERRIDE));
        TaskCounter.reset();
        JsonNode spark = scoreAgain(onSpark);
        assertSameScores(local, spark);
        // a stage per round (on 10 and 20 of the 40 clips, the survivors on all), the named strategies and the other
        // protocol: 2 tasks each
        assertEquals(10, TaskCounter.SUCCEEDED.get());
        assertTrue(spark.get("successiveHalving").get("saved").asLong() > 0, "halving saved clip forwards");
    }

    /**
     * Under the paper's protocol (the template's statistics) the local scoring keeps one stem per validation clip
     * across every halving round; its scores still equal Spark's, whose tasks compute their own.
     */
    @Test
    void aStemSharedAcrossHalvingRoundsScoresTheSame() throws IOException {
        List<String> paper = List.of("sampling.successiveHalving=true", "sampling.halvingFirstSlice=0.25",
                "sampling.bnRecalibration=0");
        JsonNode local = scoreAgain(paper);
        List<String> onSpark = new ArrayList<>(paper);
        onSpark.addAll(List.of("execution.engine=spark", "execution.master=local[2]"));
        assertSameScores(local, scoreAgain(onSpark));
    }

    @Test
    void aTaskThatDiesHalfWayIsRetriedWithTheSameScores() throws IOException {
        JsonNode local = scores(trained);
        System.setProperty(InjectedFailure.SCORING.property(), "1");
        try {
            // local[2,3]: two threads, a task may fail up to 3 times
            TaskCounter.reset();
            JsonNode spark = scoreAgain(List.of("execution.engine=spark", "execution.master=local[2,3]",
                    "execution.partitions=2", TaskCounter.OVERRIDE));
            assertSameScores(local, spark);
            // the first stage's task 1 died once and was retried; so did the second stage's
            assertEquals(2, TaskCounter.FAILED.get());
            assertEquals(4, TaskCounter.SUCCEEDED.get());
        } finally {
            System.clearProperty(InjectedFailure.SCORING.property());
        }
    }

    @Test
    void aSettingSparkRefusesIsOneLineNamingTheSectionAndChangesNothing() throws IOException {
        Path copy = MicroRun.copy(trained, tmp, "refused");
        Map<String, byte[]> before = contents(copy);
        var config = ExperimentConfig.loadRunDir(copy, List.of("execution.engine=spark", "execution.master=\"local[2]\"",
                "execution.conf={spark.executor.extraJavaOptions: \"-Xmx1g\"}"));
        ConfigException e = assertThrows(ConfigException.class, () -> {
            try (Experiment x = Experiment.open(plugins, config, copy, quiet())) {
                x.sample();
            }
        });
        assertTrue(e.getMessage().startsWith("execution: Spark 4.2.0 could not start on local[2]: "), e.getMessage());
        assertTrue(e.getMessage().contains("spark.executor.extraJavaOptions"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        Map<String, byte[]> after = contents(copy);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((f, bytes) -> assertArrayEquals(bytes, after.get(f), f));
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().equals("run.log")) {
                    files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    /**
     * Executors in JVMs of their own ({@code local-cluster}: a standalone master and worker in this JVM, whose
     * worker starts executor processes), which discover the plugins and open the run themselves.
     */
    @Test
    void executorsInOtherProcessesScoreTheSame() throws IOException {
        fakeSparkHome();
        JsonNode local = scores(trained);
        TaskCounter.reset();
        JsonNode spark = scoreAgain(List.of("execution.engine=spark", "execution.master=\"local-cluster[1,2,1024]\"",
                "execution.partitions=2", "execution.conf={spark.extraListeners: " + TaskCounter.class.getName()
                       + "}"));
        assertSameScores(local, spark);
        assertEquals(4, TaskCounter.SUCCEEDED.get());
    }

    /**
     * What a worker needs to start executors: a Spark home whose {@code jars/} is this test's class path (so the
     * executors have Spark, stfusion and its plugins, as a cluster given the installation's jars has).
     */
    private static Path fakeSparkHome() throws IOException {
        Path home = Path.of(System.getenv("SPARK_HOME")); // set by the build, read by the worker
        deleteTree(home);
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.writeString(home.resolve("RELEASE"), "Spark for stfusion's tests\n");
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p) && entry.endsWith(".jar")) {
                Files.createSymbolicLink(jars.resolve(String.format("%04d-%s", i++, p.getFileName())), p.toAbsolutePath());
            } else if (Files.isDirectory(p)) {
                // target/classes and target/test-classes: jarred, as executors take jars only from jars/
                Path jar = jars.resolve(String.format("%04d-dir.jar", i++));
                jarDirectory(p, jar);
            }
        }
        return home;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void jarDirectory(Path dir, Path jar) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)); var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    out.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
    }

    /** Copies the trained run and scores it again with {@code overrides} over its config. */
    private static JsonNode scoreAgain(List<String> overrides) throws IOException {
        Path copy = MicroRun.copy(trained, tmp, "again");
        Files.delete(copy.resolve("scores.json"));
        try (Experiment e = Experiment.open(plugins, ExperimentConfig.loadRunDir(copy, overrides), copy, quiet())) {
            e.sample();
        }
        return scores(copy);
    }

    private static void assertSameScores(JsonNode expected, JsonNode actual) {
        assertEquals(expected.get("strategies").size(), actual.get("strategies").size());
        assertFalse(expected.get("strategies").isEmpty());
        for (int i = 0; i < expected.get("strategies").size(); i++) {
            assertEquals(expected.get("strategies").get(i), actual.get("strategies").get(i), "strategy " + i);
        }
        assertEquals(expected.get("named"), actual.get("named"));
        assertEquals(expected.get("protocol"), actual.get("protocol"));
    }

    private static JsonNode scores(Path run) throws IOException {
        return JSON.readTree(run.resolve("scores.json").toFile());
    }

    private static PrintStream quiet() {
        return MicroRun.quiet();
    }
}
