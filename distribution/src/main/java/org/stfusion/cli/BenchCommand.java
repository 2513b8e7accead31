package org.stfusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stfusion.core.bench.ScoringBenchmark;
import org.stfusion.core.bench.TemplateBenchmark;
import org.stfusion.core.bench.Workload;
import org.stfusion.core.engine.planned.OpTimes;
import org.stfusion.core.network.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stfusion bench}: times a training step and an inference step of the template on the reference
 * workloads tiny, small and paper (the PyTorch peer times the same ones), one line per measurement.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the v-DropPath template on the reference workloads (tiny, small, paper), as the PyTorch peer does.",
        footer = {"", "Example: stfusion bench --workload small --modes train,infer,score"})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Option(names = "--workload", defaultValue = "tiny",
            description = "tiny, small, paper or all (default: ${DEFAULT-VALUE}); example: the default example's template "
                    + "(synthetic-motion.yaml; batch 16 of 8x16x16 clips); or scoring: strategy scoring of a small "
                    + "trained run in this process and, with --engine spark, on Spark with 1 and 2 executor threads.")
    String workload;

    @Option(names = "--modes", defaultValue = "train,infer", split = ",",
            description = "train, infer and/or score (strategies scored per second, see below) (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--strategies", defaultValue = "100",
            description = "score: strategies drawn at drop rate 0.3 and scored on 4 batches; the more there are, the "
                    + "longer the prefixes their passes share (default: ${DEFAULT-VALUE}, as sampling.count).")
    int strategies;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "One JSON object per measurement, with the peer's field names.")
    boolean json;

    @Option(names = "--op-times", description = "Also print where the planned engine's time goes, per kind of op (the timed steps only).")
    boolean opTimes;

    @Option(names = "--engine", defaultValue = "auto",
            description = "planned (native kernels, CPU only), samediff (the slow reference) or auto: planned on the "
                    + "CPU, samediff on CUDA (default: ${DEFAULT-VALUE}). For --workload scoring: local or spark.")
    String engine;

    @Option(names = "--val-size", defaultValue = "64",
            description = "scoring workload: validation clips each strategy is scored on (default: ${DEFAULT-VALUE}).")
    int valSize;

    @Override
    public Integer call() throws Exception {
        if (workload.equals("scoring")) {
            return scoringWorkload();
        }
        List<Workload> workloads = workload.equals("all") ? Workload.ALL : List.of(Workload.named(workload));
        for (String mode : modes) {
            if (!List.of("train", "infer", "score").contains(mode)) {
                throw new org.stfusion.api.config.ConfigException("--modes", "expected train, infer or score, got '" + mode + "'");
            }
        }
        if (steps < 1 || warmup < 0) {
            throw new org.stfusion.api.config.ConfigException("--steps", "expected at least one timed step and no negative warm-up");
        }
        Engine chosen;
        try {
            chosen = engine.equals("auto") ? Engine.forCurrentBackend() : Engine.valueOf(engine.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new org.stfusion.api.config.ConfigException("--engine", "expected auto, planned or samediff, got '" + engine + "'");
        }
        if (!chosen.runsOnCurrentBackend()) {
            throw new org.stfusion.api.config.ConfigException("--engine", "the planned engine runs on ND4J's CPU backend only");
        }
        if (modes.contains("score") && !Engine.PLANNED.runsOnCurrentBackend()) {
            throw new org.stfusion.api.config.ConfigException("--modes", "score measures the planned engine, which runs on ND4J's CPU backend only");
        }
        TemplateBenchmark bench = new TemplateBenchmark(cli.plugins());
        ObjectMapper mapper = new ObjectMapper();
        List<Map<String, Object>> results = new ArrayList<>();
        for (Workload w : workloads) {
            for (String mode : modes) {
                if (mode.equals("score")) {
                    OpTimes.enable(opTimes);
                    Map<String, Object> r = new ScoringBenchmark(cli.plugins()).run(w, strategies, 4, 0.3);
                    results.add(r);
                    if (opTimes && !json) {
                        @SuppressWarnings("unchecked")
                        var phases = (Map<String, Map<String, double[]>>) r.remove("op_times");
                        phases.forEach((phase, times) -> {
                            cli.out.println("  " + phase + ":");
                            times.forEach((op, t) -> cli.out.printf("    %-30s %8.3f s %7.0f calls%n", op, t[0], t[1]));
                        });
                    }
                    cli.out.println(json ? mapper.writeValueAsString(r) : String.format(
                            "%-6s score %d strategies on %d clips: %.2f strategies/s, one by one on the full network %.2f; "
                                    + "speed-up %.2fx, same top-1 for every strategy: %s; "
                                    + "%.2f strategies/s with batch norm recalibrated on %d batches of %d clips first",
                            w.name(), (Integer) r.get("strategies"), (Integer) r.get("clips"), (Double) r.get("strategies_per_s"),
                            (Double) r.get("baseline_strategies_per_s"), (Double) r.get("speedup"), r.get("identical"),
                            (Double) r.get("recalibrated_strategies_per_s"), (Integer) r.get("recalibration_batches"),
                            (Integer) r.get("clips") / (Integer) r.get("batches")));
                    cli.out.flush();
                    continue;
                }
                OpTimes.enable(opTimes);
                Map<String, Object> r = bench.run(w, mode, steps, warmup, chosen);
                if (opTimes) {
                    OpTimes.drain().forEach((op, t) -> cli.out.printf("  %-22s %8.3f s %7.0f calls%n", op, t[0], t[1]));
                }
                results.add(r);
                cli.out.println(json ? mapper.writeValueAsString(r) : String.format(
                        "%-6s %-5s batch %d params %,d GMACs/clip %.3f: %.2f clips/s, %.1f GFLOP/s (median step %.3f s, "
                                + "cpu %.0f%%, peak RSS %d MiB, %s engine)",
                        w.name(), mode, w.batch(), (Long) r.get("params"), (Long) r.get("macs_per_clip") / 1e9,
                        (Double) r.get("clips_per_s"), (Double) r.get("gflops_per_s"), (Double) r.get("step_s_median"),
                        100 * (Double) r.get("cpu_util"), (Long) r.get("peak_rss_mib"), r.get("engine")));
                cli.out.flush();
            }
        }
        return StfusionCli.EXIT_OK;
    }

    /** {@code --workload scoring}: strategies per second through an execution engine, one line per setting. */
    private int scoringWorkload() {
        String chosen = engine.equals("auto") ? "local" : engine;
        if (!List.of("local", "spark").contains(chosen)) {
            throw new org.stfusion.api.config.ConfigException("--engine", "the scoring workload runs on local or spark, got '"
                    + engine + "'");
        }
        if (strategies < 2 || valSize < 1) {
            throw new org.stfusion.api.config.ConfigException("--strategies", "the scoring workload needs at least 2 "
                    + "strategies and 1 validation clip");
        }
        if (chosen.equals("spark")) {
            org.stfusion.core.execution.ExecutionEngines.require(new org.stfusion.core.config.ExecutionSettings(
                    org.stfusion.core.config.ExecutionSettings.Kind.SPARK, "local[1]", 0, Map.of(), 0, 0));
        }
        ObjectMapper mapper = new ObjectMapper();
        new ClusterScoringBenchmark(cli.plugins(), r -> {
            try {
                cli.out.println(json ? mapper.writeValueAsString(r) : String.format(java.util.Locale.ROOT,
                        "scoring %-6s %-22s %d strategies: %.2f strategies/s (%.2f s; start %.2f s%s), same scores as local: %s",
                        r.get("engine"), r.get("setting"), (Integer) r.get("strategies"), (Double) r.get("strategies_per_s"),
                        (Double) r.get("scoring_s"), (Double) r.get("start_s"), r.containsKey("task_overhead_s")
                                ? String.format(java.util.Locale.ROOT, "; %.3f s a task", (Double) r.get("task_overhead_s")) : "",
                        r.get("identical")));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            cli.out.flush();
        }).run(chosen, strategies, valSize);
        return StfusionCli.EXIT_OK;
    }
}
