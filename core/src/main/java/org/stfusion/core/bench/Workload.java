package org.stfusion.core.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * The reference workloads tiny, small and paper: the 3D-DenseNet template with stem 5x7x7 and
 * max-pool 3x3x3, at the sizes the PyTorch peer times. Besides them, {@code example}: the template of the
 * default example ({@code examples/synthetic-motion.yaml}), whose stem has no temporal extent.
 */
public record Workload(String name, int initFeatures, int growth, int bnSize, List<Integer> blocks, int frames,
                       int size, int classes, int batch, int stemTemporalKernel, int stemPoolTemporalKernel) {

    /** A workload with the peer's stem (5x7x7 convolution, 3x3x3 max-pool). */
    public Workload(String name, int initFeatures, int growth, int bnSize, List<Integer> blocks, int frames, int size,
                    int classes, int batch) {
        this(name, initFeatures, growth, bnSize, blocks, frames, size, classes, batch, 5, 3);
    }

    public static final List<Workload> ALL = List.of(
            new Workload("tiny", 32, 16, 4, List.of(3, 3, 3), 8, 64, 10, 8),
            new Workload("small", 64, 32, 4, List.of(6, 12, 24, 16), 8, 112, 101, 4),
            new Workload("paper", 64, 32, 4, List.of(6, 12, 24, 16), 16, 112, 174, 2));

    /** The default example's template and batch; the peer has no such workload, so {@code all} leaves it out. */
    public static final Workload EXAMPLE = new Workload("example", 16, 8, 2, List.of(2, 2, 2), 8, 16, 4, 16, 1, 1);

    public static Workload named(String name) {
        if (name.equals(EXAMPLE.name)) {
            return EXAMPLE;
        }
        return ALL.stream().filter(w -> w.name.equals(name)).findFirst().orElseThrow(() -> new ConfigException("workload",
                "unknown workload '" + name + "'; available: tiny, small, paper, example"));
    }

    /** This workload's clips. */
    public InputSpec input() {
        return new InputSpec(3, frames, size, size, classes);
    }

    /** The template of this workload (S and T paths, float) with every drop rate starting at {@code drop}. */
    public TemplateNetwork template(PluginCatalog plugins, double drop, Engine engine) {
        var backbone = plugins.backbones().get("backbone.name", "densenet3d")
                .create(new PluginConfig("backbone", backboneConfig()), input());
        List<FusionPath> paths = new ArrayList<>();
        for (String path : List.of("spatial", "temporal")) {
            paths.add(plugins.fusionUnits().get("fusion.paths", path).create(PluginConfig.empty("fusion." + path)));
        }
        return new TemplateNetwork(backbone, input(), paths, new VdpSettings(drop, 0.2, 250, 86017), DataType.FLOAT, 1,
                engine);
    }

    /** The {@code densenet3d} backbone section for this workload. */
    public Map<String, Object> backboneConfig() {
        return Map.of("initFeatures", initFeatures, "growth", growth, "bnSize", bnSize, "blocks", blocks,
                "stemTemporalKernel", stemTemporalKernel, "stemPoolTemporalKernel", stemPoolTemporalKernel);
    }
}
