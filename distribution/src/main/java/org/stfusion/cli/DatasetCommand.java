package org.stfusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.core.config.ExperimentConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** A command that needs only the dataset of an experiment file (and its {@code data:} section), no network. */
abstract class DatasetCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment file (YAML); its dataset and data sections are used.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration value (repeatable).")
    List<String> overrides = new ArrayList<>();

    /** The dataset's plugin, for names in messages. */
    DatasetProvider provider;

    /** Opens the dataset (its keys checked strictly), applies {@code work} to it and closes it. */
    <T> T withDataset(Function<ExperimentConfig, Function<Dataset, T>> work) {
        ExperimentConfig experiment = ExperimentConfig.load(config, overrides);
        var section = experiment.dataset();
        provider = cli.plugins().datasets().get(section.key("name"), section.getString("name", null));
        try (Dataset dataset = provider.open(section)) {
            section.rejectUnknownKeys();
            return work.apply(experiment).apply(dataset);
        }
    }
}
