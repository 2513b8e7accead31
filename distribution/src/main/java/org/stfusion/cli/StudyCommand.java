package org.stfusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.study.StudyResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stfusion study CONFIG}: the experiment, then the paper's S / ST / S+ST / Opt table trained from scratch. */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Run the experiment, then train all-S, all-ST, all-S+ST and Opt from scratch with the same budget "
                + "and compare them (the paper's Table 2); study.rankCheck=M also measures Kendall's tau.")
final class StudyCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment file (YAML).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<name>-<timestamp>).")
    Path out;

    @Option(names = "--resume", description = "Continue the study in --out DIR; finished networks are not retrained.")
    boolean resume;

    @Override
    public Integer call() {
        ExperimentConfig experimentConfig = ExperimentConfig.load(config, overrides);
        if (resume && out == null) {
            throw new ParameterException(spec.commandLine(), "--resume needs --out DIR, the run directory to continue");
        }
        Path runDir = out != null ? out : Path.of("runs", experimentConfig.defaultRunName());
        var plugins = cli.plugins();
        cli.startRunLog(runDir, spec.commandLine().getParseResult().originalArgs());
        StudyResults study;
        try (Experiment experiment = Experiment.open(plugins, experimentConfig, runDir, cli.out)) {
            study = experiment.study(resume);
        }
        cli.out.println();
        cli.out.printf("trained from scratch, %d epochs each%n", study.epochs());
        cli.out.printf("%-6s %12s %10s %9s %14s%n", "net", "params", "GMACs", "top-1", "template top-1");
        for (StudyResults.Row r : study.rows()) {
            cli.out.printf("%-6s %,12d %10.4f %8.1f%% %13.1f%%%n", r.name(), r.parameters(), r.macsPerClip() / 1e9,
                    100 * r.top1(), 100 * r.templateTop1());
        }
        if (study.kendallTau() != null) {
            cli.out.printf("Kendall's tau, template vs standalone top-1 over %d sampled strategies: %.3f%n",
                    study.rankCheck().size(), study.kendallTau());
        }
        cli.out.println("Study: " + runDir.resolve(Experiment.STUDY));
        return StfusionCli.EXIT_OK;
    }
}
