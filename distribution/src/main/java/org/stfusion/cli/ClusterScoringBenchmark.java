package org.stfusion.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.execution.ScoreRequest;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * The {@code scoring} workload: strategy scoring of a trained run through an execution engine. Trains a small
 * template on synthetic clips into a temporary run directory once, then scores the same sampled strategies in this
 * process and through the engine with 1 and 2 executor threads ({@code local[1]}, {@code local[2]}): strategies per
 * second of each, the engine's start-up, its cost per task (from one task per strategy against one task in all) and
 * whether every score equals the local one.
 */
final class ClusterScoringBenchmark {
    private final PluginCatalog plugins;
    private final Consumer<Map<String, Object>> out;

    ClusterScoringBenchmark(PluginCatalog plugins, Consumer<Map<String, Object>> out) {
        this.plugins = plugins;
        this.out = out;
    }

    /** The run the workload scores: a tiny DenseNet on the synthetic motion task, {@code valSize} validation clips. */
    static Map<String, Object> config(int strategies, int valSize) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "bench-scoring");
        tree.put("backbone", new LinkedHashMap<>(Map.of("name", "densenet3d", "preset", "tiny", "initFeatures", 16,
                "growth", 8, "bnSize", 2, "blocks", List.of(2, 2, 2))));
        tree.put("dataset", new LinkedHashMap<>(Map.of("name", "synthetic", "task", "motion", "classes", 4, "frames", 8,
                "size", 32, "trainSize", 64, "valSize", valSize, "seed", 7)));
        tree.put("training", new LinkedHashMap<>(Map.of("warmupEpochs", 1, "vdpEpochs", 1, "lrSteps", List.of(),
                "batchSize", 16)));
        tree.put("sampling", new LinkedHashMap<>(Map.of("count", strategies)));
        tree.put("reporters", List.of("json"));
        return tree;
    }

    /** Trains the run, then measures {@code engine} ({@code local} or {@code spark}); one result per setting. */
    List<Map<String, Object>> run(String engine, int strategies, int valSize) {
        Path dir;
        try {
            dir = Files.createTempDirectory("stfusion-bench-scoring-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary run directory: " + e.getMessage(), e);
        }
        try {
            Path run = dir.resolve("run");
            try (Experiment e = Experiment.open(plugins, ExperimentConfig.of(config(strategies, valSize)), run, quiet())) {
                e.train(false);
            }
            List<Map<String, Object>> results = new ArrayList<>();
            Timed local = score(run, List.of());
            results.add(emit(local, "local", "this process", strategies, local, null));
            if (engine.equals("spark")) {
                Timed oneTask = score(run, List.of("execution.engine=spark", "execution.master=\"local[1]\"",
                        "execution.partitions=1"));
                Timed taskEach = score(run, List.of("execution.engine=spark", "execution.master=\"local[1]\"",
                        "execution.partitions=" + strategies));
                double perTask = (taskEach.scoring - oneTask.scoring) / Math.max(1, strategies - 1);
                results.add(emit(oneTask, "spark", "local[1], 1 task", strategies, local, null));
                results.add(emit(taskEach, "spark", "local[1], " + strategies + " tasks", strategies, local, perTask));
                Timed two = score(run, List.of("execution.engine=spark", "execution.master=\"local[2]\"",
                        "execution.partitions=2"));
                results.add(emit(two, "spark", "local[2], 2 tasks", strategies, local, null));
            }
            return results;
        } finally {
            deleteTree(dir);
        }
    }

    private Map<String, Object> emit(Timed t, String engine, String setting, int strategies, Timed local, Double perTask) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mode", "score");
        r.put("workload", "scoring");
        r.put("engine", engine);
        r.put("setting", setting);
        r.put("strategies", strategies);
        r.put("strategies_per_s", strategies / t.scoring);
        r.put("scoring_s", t.scoring);
        r.put("start_s", t.start);
        if (perTask != null) {
            r.put("task_overhead_s", perTask);
        }
        r.put("identical", t.scores.equals(local.scores));
        out.accept(r);
        return r;
    }

    private record Timed(double start, double scoring, Map<String, Scorer.Score> scores) {
    }

    private Timed score(Path run, List<String> overrides) {
        try (Experiment e = Experiment.open(plugins, ExperimentConfig.loadRunDir(run, overrides), run, quiet())) {
            List<ScoreRequest> requests = e.sampledRequests();
            long t0 = System.nanoTime();
            var backend = e.scoring();
            long t1 = System.nanoTime();
            Map<String, Scorer.Score> scores = backend.score(requests, r -> { });
            long t2 = System.nanoTime();
            return new Timed((t1 - t0) / 1e9, (t2 - t1) / 1e9, scores);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing the benchmark for
        }
    }
}
