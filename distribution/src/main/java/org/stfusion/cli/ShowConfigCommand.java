package org.stfusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stfusion config CONFIG}: the configuration a run of CONFIG would use, as YAML, checked as far as that
 * is possible without opening the dataset or building the network. (Named apart from {@link ConfigCommand}, the
 * base of the commands that start from an experiment file.)
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the configuration a run of CONFIG would use: the file merged over the files it extends, "
                + "with the --set overrides applied, checked, and with the defaults of core's sections filled in. "
                + "Plugin sections (backbone, dataset, fusion paths, reporters) show the keys given; their plugins "
                + "check them when the experiment opens.",
        footer = {"", "Example: stfusion config examples/synthetic-appearance.yaml --set seed=2"})
final class ShowConfigCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment file (YAML), e.g. examples/synthetic-motion.yaml.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--no-defaults",
            description = "Only what the files and --set give, as a run directory saves it in config.yaml.")
    boolean noDefaults;

    @Override
    public Integer call() {
        ExperimentConfig experiment = ExperimentConfig.load(config, overrides);
        experiment.engine();
        checkPluginNames(experiment, cli.plugins());
        cli.out.print(noDefaults ? experiment.toYaml() : experiment.toYamlWithDefaults());
        cli.out.flush();
        return StfusionCli.EXIT_OK;
    }

    /** Every plugin named must be installed, as when the experiment opens (same keys, same messages). */
    private static void checkPluginNames(ExperimentConfig experiment, PluginCatalog plugins) {
        plugins.backbones().get(experiment.backbone().key("name"), experiment.backbone().getString("name", null));
        plugins.datasets().get(experiment.dataset().key("name"), experiment.dataset().getString("name", null));
        for (String path : experiment.fusionPaths()) {
            plugins.fusionUnits().get("fusion.paths", path);
        }
        for (PluginConfig reporter : experiment.reporters()) {
            plugins.reporters().get(reporter.key("name"), reporter.getString("name", null));
        }
    }
}
