package org.stfusion.backbones;

import java.util.List;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;

/**
 * {@code densenet3d}: the paper's 3D DenseNet template (paper Fig. 3, supplement Fig. 1; "v1d3" in the
 * authors' code, {@code models/densenet_3d.py}). Presets {@code densenet121} (F 64, g 32, bn 4, blocks
 * 6-12-24-16) and {@code tiny} (F 32, g 16, bn 4, blocks 3-3-3, the bench workload); every hyper-parameter
 * can be overridden.
 */
public final class DenseNet3dProvider implements BackboneProvider {
    public static final String NAME = "densenet3d";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "3D DenseNet v1d3 template (presets: densenet121, tiny)";
    }

    @Override
    public List<String> presets() {
        return List.of("densenet121", "tiny");
    }

    @Override
    public Backbone create(PluginConfig config, InputSpec input) {
        String preset = config.getChoice("preset", "densenet121", presets().toArray(String[]::new));
        boolean tiny = preset.equals("tiny");
        int features = config.getInt("initFeatures", tiny ? 32 : 64, 1, 4096);
        int growth = config.getInt("growth", tiny ? 16 : 32, 1, 4096);
        int bnSize = config.getInt("bnSize", 4, 1, 64);
        List<Integer> blocks = config.getIntList("blocks", tiny ? List.of(3, 3, 3) : List.of(6, 12, 24, 16), 1, 256);
        if (blocks.isEmpty()) {
            throw new ConfigException(config.key("blocks"), "expected at least one dense block, e.g. [6, 12, 24, 16]");
        }
        int stemT = config.getInt("stemTemporalKernel", 5, 1, 15);
        int poolT = config.getInt("stemPoolTemporalKernel", 3, 1, 15);
        if (stemT % 2 == 0) {
            throw new ConfigException(config.key("stemTemporalKernel"), "expected an odd kernel size, got " + stemT);
        }
        if (poolT % 2 == 0) {
            throw new ConfigException(config.key("stemPoolTemporalKernel"), "expected an odd kernel size, got " + poolT);
        }
        var net = new DenseNet3d(preset, features, growth, bnSize, blocks, stemT, poolT, input.classes());
        net.checkInput(input, config);
        return net;
    }
}
