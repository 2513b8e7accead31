/**
 * The stfusion orchestrator: discovers plugins, validates the config, assembles the template network, trains
 * it with Variational DropPath, samples and scores strategies, computes marginals and routes events to
 * reporters. ND4J runs on the class path (its M2.1 module descriptors are broken), so
 * this module reads the unnamed module instead of requiring it.
 */
module org.stfusion.core {
    requires transitive org.stfusion.api;
    requires com.google.guice;
    requires jakarta.inject;
    requires org.apache.logging.log4j;
    requires jdk.management;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml; // LoaderOptions: the limits of the YAML parser (config.YamlTrees)
    requires org.apache.commons.rng.simple;
    requires org.apache.commons.rng.core;
    requires org.apache.commons.rng.api;
    requires commons.math3;

    exports org.stfusion.core;
    exports org.stfusion.core.plugins;
    exports org.stfusion.core.config;
    exports org.stfusion.core.run;
    exports org.stfusion.core.data;
    exports org.stfusion.core.eval;
    exports org.stfusion.core.sample;
    exports org.stfusion.core.strategy;
    exports org.stfusion.core.bench;
    exports org.stfusion.core.study;
    exports org.stfusion.core.export;
    exports org.stfusion.core.predict;
    exports org.stfusion.core.execution;
    // The networks are core's own business; the test kit builds them to check a plugin against the engine.
    exports org.stfusion.core.engine to org.stfusion.testkit;
    exports org.stfusion.core.network to org.stfusion.testkit, org.stfusion.cli;
    exports org.stfusion.core.engine.planned to org.stfusion.cli;
    exports org.stfusion.core.train to org.stfusion.testkit, org.stfusion.spark;
    exports org.stfusion.core.inflate to org.stfusion.testkit;

    opens org.stfusion.core to com.google.guice, com.fasterxml.jackson.databind;
    opens org.stfusion.core.config to com.fasterxml.jackson.databind;
    opens org.stfusion.core.run to com.fasterxml.jackson.databind;
    opens org.stfusion.core.sample to com.fasterxml.jackson.databind;
    opens org.stfusion.core.study to com.fasterxml.jackson.databind;

    uses org.stfusion.api.model.BackboneProvider;
    uses org.stfusion.api.model.FusionUnitProvider;
    uses org.stfusion.api.data.DatasetProvider;
    uses org.stfusion.api.report.ReporterProvider;
    uses org.stfusion.core.execution.ExecutionProvider;
}
