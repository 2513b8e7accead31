package org.stfusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stfusion doctor}: checks the machine and the installation and prints a line per finding, OK, WARN or
 * FAIL, each problem with its fix. What a bug report needs first, and what to run when something does not start.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the Java version, ND4J and its backend (oneDNN, CUDA devices), the CPU, memory limits, "
                + "the plugins and where they come from, the run folder, FFmpeg's video decoders and the execution engines (with --config, the one it names). One line per "
                + "finding (OK, WARN or FAIL, each problem with its fix); exit code 0 when nothing fails, "
                + DoctorCommand.EXIT_FAILED + " otherwise.",
        footer = {"", "Example: stfusion --quiet doctor --runs scratch/runs --config cluster.yaml"})
final class DoctorCommand implements Callable<Integer> {
    /** Some check failed (its line says how to fix it). */
    static final int EXIT_FAILED = 1;

    @ParentCommand
    StfusionCli cli;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "The folder run directories go to, checked for writing (default: ${DEFAULT-VALUE}, as "
                    + "'stfusion run' uses without --out).")
    Path runs;

    @Option(names = "--config", paramLabel = "CONFIG",
            description = "An experiment file whose execution section to check (Spark's version and whether its master "
                    + "can be reached).")
    Path config;

    @Override
    public Integer call() {
        ClassLoader loader = StfusionCli.class.getClassLoader();
        List<Health> findings = new ArrayList<>();
        check(findings, "java", () -> List.of(MachineChecks.java()));
        check(findings, "nd4j", MachineChecks::nd4j);
        check(findings, "cpu", () -> List.of(MachineChecks.cpu()));
        check(findings, "memory", () -> List.of(MachineChecks.memory()));
        check(findings, "plugins", () -> InstallChecks.plugins(cli.pluginsFolder(), loader));
        check(findings, "runs", () -> List.of(InstallChecks.runFolder(runs)));
        check(findings, "ffmpeg", () -> List.of(InstallChecks.ffmpeg(loader)));
        var execution = config == null ? null : org.stfusion.core.config.ExperimentConfig.load(config, List.of()).execution();
        check(findings, "execution", () -> List.of(InstallChecks.execution(execution)));

        boolean quiet = cli.verbosity().quiet();
        for (Health h : findings) {
            if (!quiet || h.status() != Health.Status.OK) {
                cli.out.println(h.line());
            }
        }
        long failed = count(findings, Health.Status.FAIL);
        long warned = count(findings, Health.Status.WARN);
        cli.out.println(failed == 0 && warned == 0 ? "doctor: all checks passed"
                : "doctor: " + count(failed, "failure") + ", " + count(warned, "warning"));
        cli.out.flush();
        return failed == 0 ? StfusionCli.EXIT_OK : EXIT_FAILED;
    }

    /** Runs one check; a check that breaks is itself a failure, so that the others still run. */
    private static void check(List<Health> findings, String topic, Supplier<List<Health>> check) {
        try {
            findings.addAll(check.get());
        } catch (RuntimeException | LinkageError e) {
            findings.add(Health.fail(topic, "the check itself failed: " + e,
                    "report this line with the output of stfusion --version"));
        }
    }

    private static String count(long n, String what) {
        return (n == 0 ? "no" : String.valueOf(n)) + " " + what + (n == 1 ? "" : "s");
    }

    private static long count(List<Health> findings, Health.Status status) {
        return findings.stream().filter(h -> h.status() == status).count();
    }
}
