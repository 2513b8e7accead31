package org.stfusion.cli;

import org.stfusion.core.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stfusion train RUNDIR}: the training stage only. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train (or, with --resume, continue training) the template network of a run directory; with "
                + "--execution spark and execution.dataParallel set, on Spark's tasks.",
        footer = {"", "Example: stfusion train runs/my-run --resume"})
final class TrainCommand extends RunDirCommand {
    @Option(names = "--resume", description = "Continue from the last checkpoint.")
    boolean resume;

    @picocli.CommandLine.Mixin
    ExecutionOptions execution = new ExecutionOptions();

    @Override
    java.util.List<String> configOverrides() {
        return execution.overrides();
    }

    @Override
    void check(Experiment experiment) {
        experiment.checkCanTrain(resume);
    }

    @Override
    String execute(Experiment experiment) {
        experiment.train(resume);
        return "Trained: " + runDir;
    }
}
