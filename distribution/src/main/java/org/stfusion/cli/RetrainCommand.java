package org.stfusion.cli;

import java.nio.file.Path;
import org.stfusion.core.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stfusion retrain RUNDIR STRATEGY.json}: train a strategy's standalone network. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = "Train a strategy's standalone network from the template's start (from scratch, or "
                + "backbone.inflate's ImageNet weights), or fine-tune the template's weights, with the run's study budget (study.epochs, study.lr, ...), and score it.",
        footer = {"", "Example: stfusion retrain runs/my-run best.json --fine-tune"})
final class RetrainCommand extends ExecutingRunDirCommand {
    @Parameters(index = "1", paramLabel = "STRATEGY", description = "Strategy descriptor (JSON) from `stfusion strategy`.")
    Path strategy;

    @Option(names = "--fine-tune", description = "Start from the template's weights instead of a fresh initialisation.")
    boolean fineTune;

    @Override
    String execute(Experiment experiment) {
        var descriptor = StrategyFile.read(strategy);
        var row = experiment.study().retrain(descriptor, fineTune);
        return String.format("%s %s: validation top-1 %.1f%%, %,d parameters, %.4f GMACs per clip%nResult: %s",
                descriptor.id(), fineTune ? "fine-tuned" : "trained anew", 100 * row.top1(), row.parameters(),
                row.macsPerClip() / 1e9, experiment.study().retrainFile(descriptor));
    }
}
