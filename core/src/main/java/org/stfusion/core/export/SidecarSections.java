package org.stfusion.core.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.PluginRef;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.StrategyDescriptor;

/**
 * What a model file's sidecar says beyond the weights: the input clips a network takes, and, for a network
 * PyTorch's {@code FusionDenseNet3D} can hold, how to build and load it there (or why it cannot).
 */
final class SidecarSections {
    /** The built-in datasets that read files normalise with the ImageNet mean and deviation (datasets' ClipAugmenter). */
    private static final Set<String> IMAGENET_NORMALISED = Set.of("ucf101", "hmdb51", "kinetics", "ssv1", "ssv2", "list");
    private static final int PEER_STEM_KERNEL = 5;
    private static final int PEER_STEM_POOL_KERNEL = 3;
    private static final int PEER_TEMPORAL_KERNEL = 3;

    private SidecarSections() {
    }

    /** Why the peer cannot hold this network whatever its array names, or null. */
    static String peerRefusal(ModelInfo info, StrategyDescriptor strategy) {
        if (!info.backbone().name().equals(PeerNames.BACKBONE)) {
            return "backbone '" + info.backbone().name() + "' has no PyTorch FusionDenseNet3D counterpart (only " + PeerNames.BACKBONE + " has)";
        }
        List<String> plugins = info.fusionUnits().stream().map(PluginRef::name).toList();
        if (!new HashSet<>(plugins).equals(Set.of("spatial", "temporal"))
                || !new HashSet<>(info.unitNames()).equals(Set.of("S", "ST"))) {
            return "fusion paths " + plugins + " are not FusionDenseNet3D's S (spatial) and ST (temporal) paths";
        }
        if (strategy != null && strategy.units().contains(StrategyDescriptor.SKIP)) {
            return "strategy " + strategy.id() + " skips layers (layer gate D1), which FusionDenseNet3D cannot";
        }
        if (strategy != null && !strategy.sources().isEmpty()) {
            return "strategy " + strategy.id() + " has paths that read only some of their sources, which FusionDenseNet3D's cannot";
        }
        return null;
    }

    /** Where the network differs from the peer's fixed kernel sizes; the names map, the shapes then do not. */
    static List<String> differences(ModelInfo info, Map<String, INDArray> arrays) {
        List<String> out = new ArrayList<>();
        int stem = intSetting(info, "stemTemporalKernel", PEER_STEM_KERNEL);
        if (stem != PEER_STEM_KERNEL) {
            out.add("stem_conv is " + stem + "x7x7 with temporal padding " + stem / 2 + " (the peer's: 5x7x7, padding 2)");
        }
        int pool = intSetting(info, "stemPoolTemporalKernel", PEER_STEM_POOL_KERNEL);
        if (pool != PEER_STEM_POOL_KERNEL) {
            out.add("the stem max-pool is " + pool + "x3x3 with temporal padding " + pool / 2
                    + " (the peer's: 3x3x3, padding 1)");
        }
        int k = pathTemporalKernel(arrays);
        if (k != PEER_TEMPORAL_KERNEL) {
            out.add("t_path convs are " + k + "x1x1 with temporal padding " + k / 2 + " (the peer's: 3x1x1, padding 1)");
        }
        return out;
    }

    /** The temporal kernel of the ST paths (from their weights, [kT, 1, 1, in, out]); the peer's when none is kept. */
    static int pathTemporalKernel(Map<String, INDArray> arrays) {
        return arrays.entrySet().stream().filter(e -> e.getKey().endsWith(".ST.conv.weight"))
                .map(e -> (int) e.getValue().size(0)).findFirst().orElse(PEER_TEMPORAL_KERNEL);
    }

    private static int intSetting(ModelInfo info, String key, int fallback) {
        Object v = info.backboneSettings().get(key);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    static Map<String, Object> input(ModelInfo info) {
        InputSpec in = info.input();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layout", "NCTHW");
        m.put("dtype", "float32");
        m.put("channels", in.channels());
        m.put("frames", in.frames());
        m.put("height", in.height());
        m.put("width", in.width());
        // the size the run scored at (dataset.testSize); the network takes any size its layers can reduce
        m.put("testHeight", info.validationInput().height());
        m.put("testWidth", info.validationInput().width());
        m.put("normalisation", normalisation(info.dataset().name()));
        return m;
    }

    private static Object normalisation(String dataset) {
        if (IMAGENET_NORMALISED.contains(dataset)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("values", "RGB 0..255, frames resized and centre-cropped (testHeight x testWidth) as the run's dataset "
                    + "section says");
            m.put("mean", List.of(123.675, 116.28, 103.53));
            m.put("std", List.of(58.395, 57.12, 57.375));
            m.put("formula", "(value - mean) / std per channel");
            return m;
        }
        if (dataset.equals("synthetic")) {
            return "none: the synthetic dataset's rendered clips are used as they are";
        }
        return "unknown: clips as the dataset plugin '" + dataset + "' produces them";
    }

    /** How the peer builds and loads this network. */
    static Map<String, Object> pytorch(ModelInfo info, List<String> positions, StrategyDescriptor strategy,
                                               List<String> differences, int pathTemporalKernel) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("init_features", info.backboneSettings().get("initFeatures"));
        config.put("growth", info.backboneSettings().get("growth"));
        config.put("bn_size", info.backboneSettings().get("bnSize"));
        config.put("blocks", info.backboneSettings().get("blocks"));
        config.put("frames", info.input().frames());
        config.put("size", info.input().height());
        config.put("classes", info.input().classes());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", "FusionDenseNet3D of examples/pytorch/fusion_densenet3d.py");
        m.put("config", config);
        List<String> remove = new ArrayList<>();
        if (strategy == null) {
            m.put("strategy", "template");
            m.put("usage", "model = FusionDenseNet3D(Config(**config), 'template'); "
                    + "model.load_state_dict(load_file(weights), strict=True); model.eval(); model.set_mode('sample') "
                    + "(every path kept; set_strategy_masks(path_keep) for a strategy)");
        } else {
            List<String> units = new ArrayList<>();
            Set<String> kinds = new HashSet<>();
            for (int i = 0; i < positions.size(); i++) {
                List<String> kept = List.of(strategy.unitAt(positions.get(i)).split("\\+"));
                String unit = kept.contains("S") && kept.contains("ST") ? "S+ST" : kept.contains("S") ? "S"
                        : kept.contains("ST") ? "ST" : StrategyDescriptor.NONE;
                units.add(unit);
                kinds.add(unit);
                if (!kept.contains("S")) {
                    remove.add("stages." + i + ".s_path");
                }
                if (!kept.contains("ST")) {
                    remove.add("stages." + i + ".t_path");
                }
            }
            boolean uniform = kinds.size() == 1 && !kinds.contains(StrategyDescriptor.NONE);
            m.put("strategy", uniform ? units.get(0) : "S+ST");
            m.put("units", units);
            if (uniform) {
                remove.clear();
            }
            m.put("remove", remove);
            m.put("usage", "model = FusionDenseNet3D(Config(**config), strategy); set every module in remove to None "
                    + "(stages.4.t_path: model.stages[4].t_path = None); "
                    + "model.load_state_dict(load_file(weights), strict=True); model.eval()");
        }
        Map<String, Object> kernels = new LinkedHashMap<>();
        kernels.put("stemTemporal", intSetting(info, "stemTemporalKernel", PEER_STEM_KERNEL));
        kernels.put("stemPoolTemporal", intSetting(info, "stemPoolTemporalKernel", PEER_STEM_POOL_KERNEL));
        kernels.put("pathTemporal", pathTemporalKernel);
        m.put("temporalKernels", kernels);
        m.put("differences", differences);
        return m;
    }
}
