package org.stfusion.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where a command's strategy scoring runs, over the config's {@code execution} section. */
final class ExecutionOptions {
    @Option(names = "--execution", paramLabel = "ENGINE",
            description = "Where strategies are scored: local (this process) or spark (Apache Spark; needs the Spark "
                    + "flavour of stfusion). Overrides execution.engine.")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[*] (Spark inside this process), local[N], spark://HOST:PORT, yarn or "
                    + "k8s://URL. Overrides execution.master.")
    String master;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Spark tasks each scoring round is split into (0: Spark's default parallelism). "
                    + "Overrides execution.partitions.")
    Integer partitions;

    /** The options as {@code --set} overrides of the config. */
    List<String> overrides() {
        List<String> out = new ArrayList<>();
        if (engine != null) {
            out.add("execution.engine=" + engine);
        }
        if (master != null) {
            out.add("execution.master=\"" + master.replace("\"", "") + "\"");
        }
        if (partitions != null) {
            out.add("execution.partitions=" + partitions);
        }
        return out;
    }
}
