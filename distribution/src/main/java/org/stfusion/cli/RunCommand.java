package org.stfusion.cli;

import java.nio.file.Path;
import org.stfusion.core.Experiment;
import picocli.CommandLine.Command;

/** {@code stfusion run CONFIG}: the whole experiment. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a whole experiment: train the template network, sample and score fusion strategies, "
                + "analyse the learned marginals and write the reports.",
        footer = {"", "Example: stfusion run examples/synthetic-motion.yaml --set sampling.count=20"})
final class RunCommand extends ConfigCommand {
    @Override
    void execute(Experiment experiment, Path runDir) {
        experiment.run(resume);
        cli.out.println(RunDirCommand.resultsLine(runDir));
    }
}
