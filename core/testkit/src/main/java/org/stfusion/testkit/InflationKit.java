package org.stfusion.testkit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphRecorder;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.export.SafeTensors;
import org.stfusion.core.inflate.InflationPlan;

/**
 * For backbones that name their 2D counterpart ({@link Backbone#inflation}): the plan ImageNet inflation follows for
 * a configuration (which array takes which 2D key, with which shape), and random 2D state_dicts with exactly the
 * keys and shapes it takes, plus the dropped keys and each batch norm's {@code num_batches_tracked}, as a real file
 * has them; to test a mapping without the real ImageNet file.
 */
public final class InflationKit {
    private InflationKit() {
    }

    /** A backbone's template network as recorded (weights allocated, nothing compiled), and the plan for it. */
    public record Planned(Backbone backbone, NetworkGraph graph, ParameterStore store, InflationPlan plan) {
    }

    /**
     * The inflation plan of {@code provider}'s template for {@code settings} (its {@code backbone:} section) and
     * {@code input}; fails if the backbone does not support inflation.
     */
    public static Planned plan(BackboneProvider provider, Map<String, Object> settings, InputSpec input,
                               List<FusionPath> paths) {
        Backbone backbone = provider.create(new PluginConfig("backbone", settings), input);
        ParameterStore store = new ParameterStore(DataType.FLOAT, 1);
        NetworkGraph graph = new GraphRecorder(store, GraphVariant.template(GateMode.RELAXED, BnMode.BATCH), paths,
                VdpSettings.defaults(1)).record(backbone, input.clipShape(), input.classes());
        var inflation = backbone.inflation().orElseThrow(() -> new AssertionError("backbone '" + provider.name()
                + "' does not name a 2D network (Backbone.inflation() is empty)"));
        InflationPlan plan = InflationPlan.of(provider.name(), inflation, graph, store,
                paths.stream().map(FusionPath::unitName).toList());
        return new Planned(backbone, graph, store, plan);
    }

    /**
     * A random 2D state_dict (F32) with every key {@code plan} takes and its shape, the {@code dropped} keys (a
     * [10, 4] or [10] tensor each) and an I64 {@code num_batches_tracked} per batch norm. Kernels are normal with
     * deviation 0.2, batch-norm weights and running variances in [0.5, 1.5), biases and running means normal with
     * deviation 0.2.
     */
    public static Map<String, SafeTensors.Tensor> randomStateDict(InflationPlan plan, List<String> dropped, long seed) {
        Random random = new Random(seed);
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        Set<String> batchNorms = new LinkedHashSet<>();
        for (InflationPlan.Target t : plan.targets()) {
            if (out.containsKey(t.key())) {
                continue; // S and T paths read the same 2D conv and batch norm
            }
            long[] shape = t.shape2d();
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            float[] values = new float[Math.toIntExact(n)];
            boolean positive = t.key().endsWith(".running_var")
                    || (t.kind() == InflationPlan.Kind.VECTOR && t.key().endsWith(".weight"));
            for (int i = 0; i < values.length; i++) {
                values[i] = positive ? 0.5f + random.nextFloat() : (float) (0.2 * random.nextGaussian());
            }
            out.put(t.key(), SafeTensors.Tensor.ofFloats(shape, values));
            if (t.key().endsWith(".running_mean")) {
                batchNorms.add(t.key().substring(0, t.key().length() - ".running_mean".length()));
            }
        }
        for (String bn : batchNorms) {
            out.put(bn + ".num_batches_tracked", SafeTensors.Tensor.ofLongs(new long[0], new long[] {1}));
        }
        for (String key : dropped) {
            long[] shape = key.endsWith(".bias") ? new long[] {10} : new long[] {10, 4};
            out.put(key, SafeTensors.Tensor.ofFloats(shape, new float[key.endsWith(".bias") ? 10 : 40]));
        }
        return out;
    }

    /**
     * A random 2D state_dict for {@code provider}'s network with {@code settings}, written to {@code file} as
     * safetensors (see {@link #randomStateDict}); for tests that only need the file.
     */
    public static Map<String, SafeTensors.Tensor> writeRandomStateDict(Path file, BackboneProvider provider,
                                                                       Map<String, Object> settings, InputSpec input,
                                                                       List<FusionPath> paths, long seed) {
        return writeRandomStateDict(file, plan(provider, settings, input, paths), seed);
    }

    /** {@link #randomStateDict} written to {@code file} as safetensors. */
    public static Map<String, SafeTensors.Tensor> writeRandomStateDict(Path file, Planned planned, long seed) {
        Map<String, SafeTensors.Tensor> tensors = randomStateDict(planned.plan(),
                planned.backbone().inflation().orElseThrow().dropped(), seed);
        SafeTensors.write(file, Map.of("format", "pt"), tensors);
        return tensors;
    }
}
