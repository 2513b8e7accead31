package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;

/** The {@code execution:} section: local by default; Spark masters, partitions and properties checked as read. */
class ExecutionSettingsTest {

    private static ExperimentConfig config(String... overrides) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("backbone", new LinkedHashMap<>(Map.of("name", "tiny")));
        tree.put("dataset", new LinkedHashMap<>(Map.of("name", "synthetic")));
        for (String o : overrides) {
            ExperimentConfig.applyOverride(tree, o);
        }
        return ExperimentConfig.of(tree);
    }

    private static String refused(String... overrides) {
        return assertThrows(ConfigException.class, () -> config(overrides)).getMessage();
    }

    @Test
    void localUnlessSaidOtherwise() {
        assertEquals(ExecutionSettings.local(), config().execution());
        assertEquals("local (this process)", config().execution().describe());
    }

    @Test
    void readsASparkSection() {
        ExecutionSettings s = config("execution.engine=spark", "execution.master=\"spark://head:7077\"",
                "execution.partitions=8", "execution.conf={spark.executor.memory: 8g, spark.task.maxFailures: 4}").execution();
        assertEquals(ExecutionSettings.Kind.SPARK, s.engine());
        assertEquals("spark://head:7077", s.master());
        assertEquals(8, s.partitions());
        assertEquals(Map.of("spark.executor.memory", "8g", "spark.task.maxFailures", "4"), s.conf());
        assertEquals("spark on spark://head:7077, 8 partitions", s.describe());
        assertEquals(0, s.trainingWorkers());
        ExecutionSettings parallel = config("execution.engine=spark", "execution.dataParallel={workers: 4, averageEvery: 8}")
                .execution();
        assertEquals(4, parallel.trainingWorkers());
        assertEquals(8, parallel.averageEvery());
        for (String master : List.of("local", "local[*]", "local[4]", "local[2,3]", "yarn", "k8s://https://api:6443")) {
            assertEquals(master, config("execution.engine=spark", "execution.master=\"" + master + "\"").execution().master());
        }
    }

    @Test
    void mistakesNameTheKey() {
        assertEquals("execution.engine: expected one of local, spark, got 'flink'", refused("execution.engine=flink"));
        assertEquals("execution.master: expected a Spark master URL: local[*], local[N], spark://HOST:PORT, yarn or "
                + "k8s://URL; got 'local[0]'", refused("execution.engine=spark", "execution.master=\"local[0]\""));
        assertEquals("execution.conf.executor.memory: Spark properties start with 'spark.', e.g. spark.executor.memory",
                refused("execution.conf={executor.memory: 8g}"));
        assertEquals("execution.conf.spark.x: expected a Spark property value (a string, number or boolean), got a list",
                refused("execution.conf={spark.x: [1, 2]}"));
        assertEquals("execution.partitions: expected a whole number in [0, 1000000], got -1",
                refused("execution.partitions=-1"));
        assertEquals("execution.workers: unknown key; known keys here: conf, dataParallel, engine, master, partitions",
                refused("execution.workers=2"));
        assertEquals("execution.dataParallel.workers: data-parallel training runs on Spark: set execution.engine: spark, "
                + "or workers: 0 to train in this process", refused("execution.dataParallel={workers: 2}"));
    }
}
