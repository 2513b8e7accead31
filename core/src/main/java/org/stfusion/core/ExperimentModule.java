package org.stfusion.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.PluginRef;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;
import org.stfusion.core.config.BatchLimits;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.network.NetworkSize;
import org.stfusion.core.plugins.PluginCalls;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunDirectory;

/**
 * Wires one experiment: resolves every plugin the config names and creates it from its section, so that
 * all configuration errors surface when the experiment opens, before anything is trained.
 */
final class ExperimentModule extends AbstractModule {
    private final PluginCatalog plugins;
    private final ExperimentConfig config;
    private final Path runDir;
    private final PrintStream console;
    /** False for a task's view of a run: nothing is reported from there. */
    private final boolean withReporters;

    ExperimentModule(PluginCatalog plugins, ExperimentConfig config, Path runDir, PrintStream console,
                     boolean withReporters) {
        this.plugins = plugins;
        this.config = config;
        this.runDir = runDir;
        this.console = console;
        this.withReporters = withReporters;
    }

    @Override
    protected void configure() {
        bind(PluginCatalog.class).toInstance(plugins);
        bind(ExperimentConfig.class).toInstance(config);
        bind(Path.class).annotatedWith(com.google.inject.name.Names.named("runDir")).toInstance(runDir);
    }

    @Provides
    @Singleton
    DatasetProvider datasetProvider() {
        return plugins.datasets().get(config.dataset().key("name"), config.dataset().getString("name", null));
    }

    @Provides
    @Singleton
    Dataset dataset(DatasetProvider provider) {
        PluginConfig section = config.dataset();
        Dataset dataset = PluginCalls.call(plugins, PluginCatalog.DATASET, provider, "opening the dataset", () -> {
            Dataset opened = provider.open(section);
            requireSameClipsButSize(opened);
            return opened;
        });
        section.rejectUnknownKeys();
        // the batches must fit before anything is built or trained
        BatchLimits.check(config, dataset, Runtime.getRuntime().maxMemory());
        return dataset;
    }

    @Provides
    @Singleton
    BackboneProvider backboneProvider() {
        return plugins.backbones().get(config.backbone().key("name"), config.backbone().getString("name", null));
    }

    @Provides
    @Singleton
    Backbone backbone(BackboneProvider provider, Dataset dataset, List<FusionPath> paths) {
        PluginConfig section = config.backbone();
        Backbone backbone = PluginCalls.call(plugins, PluginCatalog.BACKBONE, provider, "creating the backbone",
                () -> provider.create(section, dataset.inputSpec()));
        section.rejectUnknownKeys();
        if (config.inflate().enabled() && !PluginCalls.call(plugins, PluginCatalog.BACKBONE, provider,
                "naming the 2D layers of its network", () -> backbone.inflation().isPresent())) {
            throw new org.stfusion.api.config.ConfigException(section.key("inflate"), "backbone " + provider.name()
                    + " does not support backbone.inflate (it names no 2D network its weights could come from); "
                    + "remove the key to train from scratch");
        }
        // widths that multiply past an array or the heap are refused now, not when training builds the network
        PluginCalls.call(plugins, PluginCatalog.BACKBONE, provider, "declaring the network", () -> {
            NetworkSize.check(section.path(), backbone, dataset.inputSpec(), paths, Runtime.getRuntime().maxMemory());
            // validation clips of another size must suit the backbone too, before anything is trained
            NetworkSize.checkValidationSize(config.dataset().key(TEST_SIZE_KEY), backbone, dataset.inputSpec(),
                    dataset.inputSpec(Split.VALIDATION), paths);
            return null;
        });
        return backbone;
    }

    /** The key the built-in datasets set the validation clip size with; errors about that size name it. */
    static final String TEST_SIZE_KEY = "testSize";

    /** Validation clips may differ from training clips in height and width only. */
    private static void requireSameClipsButSize(Dataset dataset) {
        InputSpec train = dataset.inputSpec();
        InputSpec validation = dataset.inputSpec(Split.VALIDATION);
        if (validation.channels() != train.channels() || validation.frames() != train.frames()
                || validation.classes() != train.classes()) {
            throw new IllegalStateException("the dataset's validation clips (" + describe(validation)
                    + ") differ from its training clips (" + describe(train) + ") in more than height and width");
        }
    }

    private static String describe(InputSpec in) {
        return in.channels() + "x" + in.frames() + "x" + in.height() + "x" + in.width() + ", " + in.classes() + " classes";
    }

    @Provides
    @Singleton
    @Named("fusionUnits")
    List<PluginRef> fusionUnitRefs() {
        List<PluginRef> refs = new ArrayList<>();
        for (String name : config.fusionPaths()) {
            refs.add(PluginRef.of(PluginCatalog.FUSION_UNIT, plugins.fusionUnits().get("fusion.paths", name)));
        }
        return refs;
    }

    @Provides
    @Singleton
    List<FusionPath> fusionPaths() {
        List<FusionPath> paths = new ArrayList<>();
        for (String name : config.fusionPaths()) {
            FusionUnitProvider provider = plugins.fusionUnits().get("fusion.paths", name);
            PluginConfig section = config.fusionPath(name);
            paths.add(PluginCalls.call(plugins, PluginCatalog.FUSION_UNIT, provider, "creating the fusion path",
                    () -> provider.create(section)));
            section.rejectUnknownKeys();
        }
        if (paths.stream().map(FusionPath::unitName).distinct().count() != paths.size()) {
            throw new org.stfusion.api.config.ConfigException("fusion.paths", "two paths have the same unit name");
        }
        return paths;
    }

    @Provides
    @Singleton
    RunDirectory runDirectory() {
        return new RunDirectory(runDir);
    }

    /**
     * The plugins by name and version, the dataset's manifest, and the settings that define the network: the
     * backbone's effective hyper-parameters, the fusion section, the clip shape and the gate layout.
     */
    @Provides
    @Singleton
    Provenance provenance(BackboneProvider backboneProvider, Backbone backbone, DatasetProvider datasetProvider,
                          Dataset dataset, @Named("fusionUnits") List<PluginRef> fusionUnits) {
        Map<String, Object> settings = new LinkedHashMap<>(Provenance.flatten("backbone", backbone.settings()));
        settings.putAll(Provenance.flatten("fusion", config.fusionTree()));
        InputSpec in = dataset.inputSpec();
        settings.put("dataset.clip", in.channels() + "x" + in.frames() + "x" + in.height() + "x" + in.width() + ", "
                + in.classes() + " classes");
        var training = config.training();
        settings.put("training.dataType", training.precision().name().toLowerCase(java.util.Locale.ROOT));
        settings.put("training.layerGate", training.layerGate());
        settings.put("training.dropRatePer", training.dropRatePer().name().toLowerCase(java.util.Locale.ROOT));
        return new Provenance(new Provenance.Plugin(backboneProvider.name(), backboneProvider.version()),
                new Provenance.DatasetOrigin(datasetProvider.name(), datasetProvider.version(), dataset.manifestHash()),
                fusionUnits.stream().map(Provenance.Plugin::of).toList(), settings);
    }

    @Provides
    @Singleton
    ReporterHub reporters() {
        ReporterHub hub = new ReporterHub();
        if (!withReporters) {
            return hub;
        }
        ReporterContext context = new ReporterContext(runDir, console);
        for (PluginConfig section : config.reporters()) {
            ReporterProvider provider = plugins.reporters().get(section.key("name"), section.getString("name", null));
            hub.add(provider.name(), PluginCalls.call(plugins, PluginCatalog.REPORTER, provider, "creating the reporter",
                    () -> provider.create(section, context)));
            section.rejectUnknownKeys();
        }
        return hub;
    }
}
