package org.stfusion.spark;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One executor per GPU: with Spark's resource scheduling ({@code spark.executor.resource.gpu.amount=1},
 * {@code spark.task.resource.gpu.amount=1} and a discovery script), a task learns the GPU Spark gave it and binds
 * ND4J's current thread to that device before it builds anything. On ND4J's CPU backend, or without GPUs assigned,
 * nothing happens. Not run on a GPU here: none was available.
 */
final class GpuBinding {
    private static final Logger LOG = LogManager.getLogger(GpuBinding.class);

    private GpuBinding() {
    }

    /** The device index Spark assigned to the running task, or -1. */
    static int assignedGpu() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return -1;
        }
        ResourceInformation gpu = context.resourcesJMap().get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return -1;
        }
        return Integer.parseInt(gpu.addresses()[0].trim());
    }

    /** Binds this thread to the task's GPU on the CUDA backend. */
    static void bind() {
        int device = assignedGpu();
        if (device < 0 || !Nd4j.getBackend().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT).contains("cuda")) {
            return;
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        LOG.info("task {} bound to GPU {}", TaskContext.getPartitionId(), device);
    }
}
