package org.stfusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.run.RunDirectory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command that starts from an experiment file: CONFIG, --set overrides, --out run directory, --resume. */
abstract class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment file (YAML), e.g. examples/synthetic-motion.yaml.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a configuration value, e.g. --set sampling.count=20 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<name>-<timestamp>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out DIR from where it stopped.")
    boolean resume;

    @picocli.CommandLine.Mixin
    ExecutionOptions execution = new ExecutionOptions();

    @Override
    public final Integer call() {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(execution.overrides());
        ExperimentConfig experimentConfig = ExperimentConfig.load(config, all);
        if (resume && out == null) {
            throw new ParameterException(spec.commandLine(), "--resume needs --out DIR, the run directory to continue");
        }
        RunDirectory dir;
        if (out != null) {
            dir = new RunDirectory(out);
            dir.requireNewEmptyOrRun();
            Experiment.refuseRetraining(dir, resume);
        } else {
            dir = RunDirectory.createDefault(Path.of("runs"), experimentConfig.name());
        }
        var plugins = cli.plugins();
        try (var lock = cli.claimRunFolder(dir, out == null, spec.commandLine().getParseResult().originalArgs());
             Experiment experiment = Experiment.open(plugins, experimentConfig, dir.root(), cli.console())) {
            experiment.checkCanTrain(resume);
            cli.commitRunLog(dir.root());
            execute(experiment, dir.root());
        }
        return StfusionCli.EXIT_OK;
    }

    /** Does the work and prints what the user needs at the end. */
    abstract void execute(Experiment experiment, Path runDir);
}
