package org.stfusion.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.run.RunDirectory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command working on an existing run directory (its saved {@code config.yaml}). */
abstract class RunDirCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUNDIR", description = "Run directory written by 'stfusion run'.")
    Path runDir;

    @Override
    public final Integer call() {
        RunDirectory dir = new RunDirectory(runDir);
        dir.requireRun();
        ExperimentConfig config = ExperimentConfig.loadRunDir(runDir, configOverrides());
        var plugins = cli.plugins();
        try (var lock = cli.claimRunFolder(dir, false, spec.commandLine().getParseResult().originalArgs());
             Experiment experiment = Experiment.open(plugins, config, runDir, cli.console())) {
            check(experiment);
            cli.commitRunLog(runDir);
            cli.out.println(execute(experiment));
        }
        return StfusionCli.EXIT_OK;
    }

    /** Settings over the run's saved config that do not change what it computes (none by default). */
    java.util.List<String> configOverrides() {
        return java.util.List.of();
    }

    /** Refuses, before anything is written, what this command must not do to the run; nothing by default. */
    void check(Experiment experiment) {
    }

    /** Does the work and returns the closing line. */
    abstract String execute(Experiment experiment);

    /** {@code Results: <runDir>/results.json}, or the run directory when no reporter wrote that file. */
    static String resultsLine(Path runDir) {
        Path results = runDir.resolve("results.json");
        return Files.isRegularFile(results) ? "Results: " + results : "Run directory: " + runDir;
    }
}
