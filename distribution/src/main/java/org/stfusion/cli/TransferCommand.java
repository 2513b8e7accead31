package org.stfusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.report.RunResults;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stfusion transfer RESULTS.json (CONFIG | --to BACKBONE)}: a strategy for another backbone from a run's
 * marginals.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = "Map the per-position marginals of a finished run onto another backbone by relative depth and "
                + "write the derived strategy (the unit with the highest marginal at the same relative depth). The "
                + "target is the backbone of CONFIG, or --to a backbone plugin or preset with the run's own dataset.",
        footer = {"", "Example: stfusion transfer runs/my-run/results.json --to resnet50"})
final class TransferCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESULTS", description = "results.json of a finished run.")
    Path results;

    @Parameters(index = "1", paramLabel = "CONFIG", arity = "0..1",
            description = "Experiment file naming the target backbone and dataset.")
    Path config;

    @Option(names = "--to", paramLabel = "BACKBONE",
            description = "Target backbone instead of CONFIG: a plugin name, a preset (e.g. resnet50) or name:preset; "
                    + "the dataset and fusion paths are the run's (config.yaml beside RESULTS).")
    String to;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the strategy here instead of printing it.")
    Path out;

    @Override
    public Integer call() throws IOException {
        // Results written before positions were keyed by unit name carry fields this version does not read.
        ObjectMapper json = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        RunResults source;
        try {
            source = json.readValue(results.toFile(), RunResults.class);
        } catch (IOException e) {
            throw new UserException("cannot read results " + results + ": " + e.getMessage(), e);
        }
        ExperimentConfig target = targetConfig();
        String strategy;
        try (Experiment experiment = Experiment.open(cli.plugins(), target, Path.of(target.defaultRunName()), cli.console())) {
            strategy = json.writerWithDefaultPrettyPrinter().writeValueAsString(experiment.study().transfer(source));
        }
        if (out == null) {
            cli.out.println(strategy);
        } else {
            try {
                AtomicFile.write(out, (strategy + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new OutputException(e.getMessage(), e);
            }
            cli.out.println("Strategy: " + out);
        }
        return StfusionCli.EXIT_OK;
    }

    private ExperimentConfig targetConfig() {
        if ((config == null) == (to == null)) {
            throw new ParameterException(spec.commandLine(), "name the target: CONFIG or --to BACKBONE (not both)");
        }
        if (config != null) {
            return ExperimentConfig.load(config, overrides);
        }
        Path runConfig = results.toAbsolutePath().getParent().resolve(ExperimentConfig.FILE_NAME);
        if (!Files.isRegularFile(runConfig)) {
            throw new UserException("--to needs the run's " + ExperimentConfig.FILE_NAME + " beside " + results
                    + " (for its dataset); or give a CONFIG naming the target backbone and dataset");
        }
        List<String> all = new ArrayList<>();
        all.add("backbone=" + backboneSection(to));
        all.addAll(overrides);
        return ExperimentConfig.load(runConfig, all);
    }

    /** {@code name}, {@code name:preset} or a preset of exactly one backbone, as a YAML flow map. */
    private String backboneSection(String target) {
        var backbones = cli.plugins().backbones();
        int colon = target.indexOf(':');
        if (colon >= 0) {
            return "{name: " + target.substring(0, colon) + ", preset: " + target.substring(colon + 1) + "}";
        }
        if (backbones.find(target).isPresent()) {
            return "{name: " + target + "}";
        }
        List<String> owners = backbones.providers().stream().filter(p -> p.presets().contains(target))
                .map(p -> p.name()).toList();
        if (owners.size() == 1) {
            return "{name: " + owners.get(0) + ", preset: " + target + "}";
        }
        List<String> known = new ArrayList<>();
        backbones.providers().forEach(p -> {
            known.add(p.name());
            p.presets().forEach(preset -> known.add(p.name() + ":" + preset));
        });
        throw new ParameterException(spec.commandLine(), "--to " + target + ": " + (owners.isEmpty()
                ? "no backbone or preset of that name" : "a preset of " + owners + "; say which as name:preset")
                + "; known: " + String.join(", ", known));
    }
}
