package org.stfusion.core.bench;

import java.util.List;
import java.util.Map;
import org.stfusion.api.config.ConfigException;

/**
 * The reference workloads tiny, small and paper: the 3D-DenseNet template with stem 5x7x7 and
 * max-pool 3x3x3, at the sizes the PyTorch peer times.
 */
public record Workload(String name, int initFeatures, int growth, int bnSize, List<Integer> blocks, int frames,
                       int size, int classes, int batch) {

    public static final List<Workload> ALL = List.of(
            new Workload("tiny", 32, 16, 4, List.of(3, 3, 3), 8, 64, 10, 8),
            new Workload("small", 64, 32, 4, List.of(6, 12, 24, 16), 8, 112, 101, 4),
            new Workload("paper", 64, 32, 4, List.of(6, 12, 24, 16), 16, 112, 174, 2));

    public static Workload named(String name) {
        return ALL.stream().filter(w -> w.name.equals(name)).findFirst().orElseThrow(() -> new ConfigException("workload",
                "unknown workload '" + name + "'; available: tiny, small, paper"));
    }

    /** The {@code densenet3d} backbone section for this workload. */
    public Map<String, Object> backboneConfig() {
        return Map.of("initFeatures", initFeatures, "growth", growth, "bnSize", bnSize, "blocks", blocks,
                "stemTemporalKernel", 5, "stemPoolTemporalKernel", 3);
    }
}
