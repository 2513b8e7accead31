package org.stfusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stfusion run CONFIG}: the whole experiment. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a whole experiment: train the template network, sample and score fusion strategies, "
                + "analyse the learned marginals and write the reports.")
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment file (YAML), e.g. examples/synthetic-motion.yaml.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a configuration value, e.g. --set training.vdpEpochs=2 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<name>-<timestamp>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out DIR from its last checkpoint.")
    boolean resume;

    @Override
    public Integer call() {
        ExperimentConfig experimentConfig = ExperimentConfig.load(config, overrides);
        if (resume && out == null) {
            throw new ParameterException(spec.commandLine(), "--resume needs --out DIR, the run directory to continue");
        }
        Path runDir = out != null ? out : Path.of("runs", experimentConfig.defaultRunName());
        PluginCatalog plugins = cli.plugins();
        cli.startRunLog(runDir, spec.commandLine().getParseResult().originalArgs());
        try (Experiment experiment = Experiment.open(plugins, experimentConfig, runDir, cli.out)) {
            experiment.run(resume);
        }
        cli.out.println(RunDirCommand.resultsLine(runDir));
        return StfusionCli.EXIT_OK;
    }
}
