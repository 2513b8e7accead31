package org.stfusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.api.report.RunResults;
import org.stfusion.core.Experiment;
import org.stfusion.core.UserException;
import org.stfusion.core.config.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code stfusion transfer RESULTS.json CONFIG}: a strategy for another backbone from a run's marginals. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = "Map the per-position marginals of a finished run onto the backbone of CONFIG by relative depth "
                + "and write the derived strategy (the unit with the highest marginal at the same relative depth).")
final class TransferCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Parameters(index = "0", paramLabel = "RESULTS", description = "results.json of a finished run.")
    Path results;

    @Parameters(index = "1", paramLabel = "CONFIG", description = "Experiment file naming the target backbone and dataset.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the strategy here instead of printing it.")
    Path out;

    @Override
    public Integer call() throws IOException {
        ObjectMapper json = new ObjectMapper();
        RunResults source;
        try {
            source = json.readValue(results.toFile(), RunResults.class);
        } catch (IOException e) {
            throw new UserException("cannot read results " + results + ": " + e.getMessage(), e);
        }
        ExperimentConfig target = ExperimentConfig.load(config, overrides);
        String strategy;
        try (Experiment experiment = Experiment.open(cli.plugins(), target, Path.of(target.defaultRunName()), cli.out)) {
            strategy = json.writerWithDefaultPrettyPrinter().writeValueAsString(experiment.transfer(source));
        }
        if (out == null) {
            cli.out.println(strategy);
        } else {
            Files.writeString(out, strategy + System.lineSeparator());
            cli.out.println("Strategy: " + out);
        }
        return StfusionCli.EXIT_OK;
    }
}
