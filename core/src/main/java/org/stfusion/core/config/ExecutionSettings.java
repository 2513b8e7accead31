package org.stfusion.core.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/**
 * The {@code execution:} section: where the work of a run goes. {@code engine: local} (the default) does all
 * of it in this process; {@code engine: spark} hands strategy scoring to Apache Spark: {@code master} is any
 * Spark master URL ({@code local[*]}, the default, runs Spark inside this process; {@code spark://…},
 * {@code yarn} and {@code k8s://…} a cluster), {@code partitions} how many tasks the strategies are split into
 * (0: Spark's default parallelism) and {@code conf} extra Spark properties. None of that changes a result, so it
 * is not part of a run's provenance and may change between commands on the same run. {@code dataParallel:
 * {workers: P, averageEvery: K}} also trains the template on Spark: P workers, each training K batches of its own
 * from the same weights before they are averaged (K = 0: once an epoch); P = 0 (the default) trains here. Training
 * with P workers is another training (except P = 1, which equals the local one), recorded in the results.
 */
public record ExecutionSettings(Kind engine, String master, int partitions, Map<String, String> conf,
                                int trainingWorkers, int averageEvery) {

    /** Where the work runs. */
    public enum Kind {
        LOCAL, SPARK;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String SECTION = "execution";
    public static final String DEFAULT_MASTER = "local[*]";

    public static ExecutionSettings local() {
        return new ExecutionSettings(Kind.LOCAL, DEFAULT_MASTER, 0, Map.of(), 0, 0);
    }

    static ExecutionSettings read(PluginConfig c) {
        Kind engine = Kind.valueOf(c.getChoice("engine", "local", "local", "spark").toUpperCase(Locale.ROOT));
        String master = c.getString("master", DEFAULT_MASTER).trim();
        if (!master.matches("local(\\[(\\*|[1-9][0-9]*)(,\\s*[1-9][0-9]*)?])?|local-cluster\\[.+]|spark://.+|yarn|k8s://.+|mesos://.+")) {
            throw new ConfigException(c.key("master"), "expected a Spark master URL: local[*], local[N], spark://HOST:PORT, "
                    + "yarn or k8s://URL; got '" + master + "'");
        }
        int partitions = c.getInt("partitions", 0, 0, 1_000_000);
        Map<String, String> conf = new LinkedHashMap<>();
        if (c.has("conf")) {
            PluginConfig confSection = c.section("conf");
            for (var e : confSection.asMap().entrySet()) {
                Object v = e.getValue();
                if (v instanceof Map<?, ?> || v instanceof java.util.List<?> || v == null) {
                    throw new ConfigException(confSection.key(e.getKey()), "expected a Spark property value (a string, "
                            + "number or boolean), got " + (v == null ? "nothing" : v instanceof Map<?, ?> ? "a section" : "a list"));
                }
                if (!e.getKey().startsWith("spark.")) {
                    throw new ConfigException(confSection.key(e.getKey()), "Spark properties start with 'spark.', e.g. "
                            + "spark.executor.memory");
                }
                confSection.accept(e.getKey());
                conf.put(e.getKey(), String.valueOf(v));
            }
        }
        PluginConfig parallel = c.section("dataParallel");
        int workers = parallel.getInt("workers", 0, 0, 100_000);
        int averageEvery = parallel.getInt("averageEvery", 0, 0, 1_000_000);
        if (workers > 0 && engine == Kind.LOCAL) {
            throw new ConfigException(parallel.key("workers"), "data-parallel training runs on Spark: set "
                    + SECTION + ".engine: spark, or workers: 0 to train in this process");
        }
        return new ExecutionSettings(engine, master, partitions, Map.copyOf(conf), workers, averageEvery);
    }

    /** One line for logs and {@code doctor}: {@code local}, or {@code spark on local[2], 4 partitions}. */
    public String describe() {
        if (engine == Kind.LOCAL) {
            return "local (this process)";
        }
        return "spark on " + master + (partitions > 0 ? ", " + partitions + " partitions" : "");
    }
}
