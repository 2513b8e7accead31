package org.stfusion.cli;

import java.nio.file.Path;
import org.stfusion.core.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stfusion materialize RUNDIR STRATEGY.json}: the standalone network of a strategy. */
@Command(name = "materialize", mixinStandardHelpOptions = true,
        description = "Build the standalone network of a strategy (only its kept paths), with the template's weights "
                + "copied in, score it and save it as a network file.",
        footer = {"", "Example: stfusion materialize runs/my-run best.json --out best.zip"})
final class MaterializeCommand extends RunDirCommand {
    @Parameters(index = "1", paramLabel = "STRATEGY", description = "Strategy descriptor (JSON) from `stfusion strategy`.")
    Path strategy;

    @Option(names = "--out", paramLabel = "FILE", description = "Network file to write (default: RUNDIR/network-<id>.zip).")
    Path out;

    @Option(names = "--no-weights", description = "Initialise the network instead of copying the template's weights.")
    boolean noWeights;

    @Override
    String execute(Experiment experiment) {
        var descriptor = StrategyFile.read(strategy);
        Path file = out != null ? out : experiment.strategies().networkFile(descriptor);
        var m = experiment.strategies().materialize(descriptor, !noWeights, file);
        return String.format("%s: %,d parameters, %.4f GMACs per clip, validation top-1 %.1f%%%nNetwork: %s",
                descriptor.id(), m.parameters(), m.macsPerClip() / 1e9, 100 * m.top1(), file);
    }
}
