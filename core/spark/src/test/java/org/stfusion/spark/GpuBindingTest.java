package org.stfusion.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** Without GPUs assigned by Spark (and on the CPU backend), a task binds to nothing and fails nothing. */
class GpuBindingTest {

    @Test
    void aTaskWithoutAssignedGpusBindsNothing() {
        SparkConf conf = new SparkConf().setMaster("local[1]").setAppName("gpu-binding").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            List<Integer> seen = spark.parallelize(List.of(1), 1).map(x -> {
                GpuBinding.bind();
                return GpuBinding.assignedGpu();
            }).collect();
            assertEquals(List.of(-1), seen);
        }
        assertEquals(-1, GpuBinding.assignedGpu(), "outside a task: none");
    }
}
