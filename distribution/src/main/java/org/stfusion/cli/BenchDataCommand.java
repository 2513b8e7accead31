package org.stfusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.core.config.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code stfusion bench-data CONFIG}: clips per second of the dataset's loader alone (decode, sample, augment). */
@Command(name = "bench-data", mixinStandardHelpOptions = true,
        description = "Measure how many clips per second the configured dataset delivers (decoding, sampling and "
                + "augmentation on one thread, no network).")
final class BenchDataCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment file (YAML); only its dataset section is used.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--clips", defaultValue = "64", description = "Clips to decode per split (default: ${DEFAULT-VALUE}).")
    int clips;

    @Override
    public Integer call() {
        ExperimentConfig experiment = ExperimentConfig.load(config, overrides);
        var section = experiment.dataset();
        var provider = cli.plugins().datasets().get(section.key("name"), section.getString("name", null));
        try (Dataset dataset = provider.open(section)) {
            section.rejectUnknownKeys();
            var spec = dataset.inputSpec();
            for (Split split : Split.values()) {
                int n = Math.min(clips, dataset.size(split));
                if (n == 0) {
                    continue;
                }
                dataset.clip(split, 0, 1); // first call pays for class loading and native start-up
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    dataset.clip(split, i, i);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                cli.out.printf("%s %-5s %d clips of %dx%dx%dx%d: %.1f clips/s (%.1f ms per clip)%n", provider.name(),
                        split.label(), n, spec.channels(), spec.frames(), spec.height(), spec.width(), n / seconds,
                        1000 * seconds / n);
            }
        }
        return StfusionCli.EXIT_OK;
    }
}
