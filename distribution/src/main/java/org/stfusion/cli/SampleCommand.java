package org.stfusion.cli;

import org.stfusion.core.Experiment;
import picocli.CommandLine.Command;

/** {@code stfusion sample RUNDIR}: sampling and scoring only. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample fusion strategies from the trained template of a run directory, score them (in this process, "
                + "or in Apache Spark's tasks with --execution spark), analyse and report.",
        footer = {"", "Example: stfusion sample runs/my-run --execution spark --master local[2]"})
final class SampleCommand extends ExecutingRunDirCommand {
    @Override
    String execute(Experiment experiment) {
        experiment.sample();
        return resultsLine(runDir);
    }
}
