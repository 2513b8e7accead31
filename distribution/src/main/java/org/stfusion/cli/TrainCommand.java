package org.stfusion.cli;

import org.stfusion.core.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stfusion train RUNDIR}: the training stage only. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train (or, with --resume, continue training) the template network of a run directory; with "
                + "--execution spark and execution.dataParallel set, on Spark's tasks.",
        footer = {"", "Example: stfusion train runs/my-run --resume"})
final class TrainCommand extends ExecutingRunDirCommand {
    @Option(names = "--resume", description = "Continue from the last checkpoint.")
    boolean resume;

    @Override
    void check(Experiment experiment) {
        experiment.checkCanTrain(resume); // checks the execution engine too
    }

    @Override
    String execute(Experiment experiment) {
        experiment.train(resume);
        return "Trained: " + runDir;
    }
}
