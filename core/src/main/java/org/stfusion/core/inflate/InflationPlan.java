package org.stfusion.core.inflate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.model.Inflation;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.PositionInfo;

/**
 * Which array of a network takes which tensor of a 2D state_dict, as the backbone's {@link Inflation} says, and the
 * shape each tensor must have; made from the template's graph (every fusion path present, so every key a strategy
 * could use is planned). {@link #check} compares the plan with a file's tensor names and shapes, without reading
 * any data: a missing key, a key no array takes, or a shape that does not fit is a {@link ConfigException} naming
 * the file and the key.
 */
public final class InflationPlan {
    /** How a 2D tensor becomes ours: a convolution kernel inflated over time, or a per-channel vector. */
    public enum Kind { CONV, VECTOR }

    /**
     * One array of ours ({@code state}: a running statistic, not trained), its shape here, the 2D tensor it comes
     * from and the shape that tensor must have, and the layer both belong to (for messages).
     */
    public record Target(String array, boolean state, long[] shape, String key, long[] shape2d, Kind kind, String layer) {
        public Target {
            shape = shape.clone();
            shape2d = shape2d.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public long[] shape2d() {
            return shape2d.clone();
        }

        /** Temporal kernel size of a convolution (dimension 0 of ND4J's [kT, kH, kW, in, out]). */
        long temporalKernel() {
            return shape[0];
        }
    }

    /** What {@link #check} found: the targets whose tensor is in the file, and those left at their initialisation. */
    public record Checked(List<Target> present, List<Target> missing) {
        public Checked {
            present = List.copyOf(present);
            missing = List.copyOf(missing);
        }
    }

    private static final String[] BN_OURS = {"gamma", "beta", "runningMean", "runningVar"};
    private static final String[] BN_TORCH = {"weight", "bias", "running_mean", "running_var"};
    private static final String COUNTER = ".num_batches_tracked";

    private final String backbone;
    private final Inflation inflation;
    private final List<Target> targets;

    private InflationPlan(String backbone, Inflation inflation, List<Target> targets) {
        this.backbone = backbone;
        this.inflation = inflation;
        this.targets = List.copyOf(targets);
    }

    /**
     * The plan for the network {@code graph} records over {@code store} (the template: all paths present), whose
     * fusion paths have the unit names {@code unitNames} in configuration order. A layer the mapping names that the
     * network does not have is the backbone's mistake ({@link IllegalStateException}); a fusion path that is not one
     * convolution (a third-party path) cannot be inflated ({@link ConfigException}).
     */
    public static InflationPlan of(String backbone, Inflation inflation, NetworkGraph graph, ParameterStore store,
                                   List<String> unitNames) {
        List<Target> targets = new ArrayList<>();
        for (Inflation.Layer layer : inflation.layers()) {
            if (layer instanceof Inflation.Conv c) {
                targets.add(conv(backbone, store, c.name() + ".weight", c.key(), c.name()));
            } else if (layer instanceof Inflation.BatchNorm b) {
                batchNorm(backbone, store, b.name(), b.key(), b.name(), targets);
            } else if (layer instanceof Inflation.Fusion f) {
                fusion(backbone, f, graph, store, unitNames, targets);
            }
        }
        return new InflationPlan(backbone, inflation, targets);
    }

    public List<Target> targets() {
        return targets;
    }

    /** What file the mapping fits, for messages. */
    public String source() {
        return inflation.source();
    }

    /**
     * Checks the plan against a file's tensors ({@code shapes}: name to shape in the file). In order: a tensor of
     * the wrong shape (the first in network order); a missing tensor, unless {@code partial}; a tensor no array
     * takes (the dropped classifier and batch norms' {@code num_batches_tracked} aside). Each is one
     * {@link ConfigException} naming {@code file} and the key.
     */
    public Checked check(String file, Map<String, long[]> shapes, boolean partial) {
        List<Target> present = new ArrayList<>();
        List<Target> missing = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (Target t : targets) {
            used.add(t.key());
            long[] shape = shapes.get(t.key());
            if (shape == null) {
                missing.add(t);
                continue;
            }
            if (!Arrays.equals(shape, t.shape2d())) {
                throw new ConfigException(InflateKeys.FILE, file + ": tensor '" + t.key() + "' has shape "
                        + Arrays.toString(shape) + ", " + backbone + "'s " + t.layer() + " needs " + Arrays.toString(t.shape2d())
                        + (t.kind() == Kind.CONV ? " (a 2D kernel [out, in/groups, kH, kW])" : " (one value per channel)")
                        + "; the file must hold " + source());
            }
            present.add(t);
        }
        List<String> unused = new ArrayList<>();
        for (String key : shapes.keySet()) {
            if (!used.contains(key) && !inflation.dropped().contains(key) && !key.endsWith(COUNTER)) {
                unused.add(key);
            }
        }
        if (!missing.isEmpty() && !partial) {
            Set<String> keys = new LinkedHashSet<>();
            missing.forEach(t -> keys.add(t.key()));
            Target first = missing.get(0);
            throw new ConfigException(InflateKeys.FILE, file + ": no tensor '" + first.key() + "' (for " + backbone
                    + "'s " + first.layer() + ")" + (keys.size() > 1 ? " and " + (keys.size() - 1) + " more missing" : "")
                    + (unused.isEmpty() ? "" : "; the file has " + unused.size() + " tensor" + (unused.size() > 1 ? "s" : "")
                    + " the network does not use, e.g. '" + unused.get(0) + "'") + "; the file must hold " + source()
                    + ", or set " + InflateKeys.PARTIAL + ": true to leave what is missing at its initialisation");
        }
        if (!unused.isEmpty()) {
            throw new ConfigException(InflateKeys.FILE, file + ": tensor '" + unused.get(0) + "' is not used by " + backbone
                    + (unused.size() > 1 ? " (nor are " + (unused.size() - 1) + " more)" : "") + "; the file must hold "
                    + source());
        }
        return new Checked(present, missing);
    }

    private static Target conv(String backbone, ParameterStore store, String array, String key, String layer) {
        INDArray w = store.trainable().get(array);
        if (w == null || w.rank() != 5) {
            throw new IllegalStateException(backbone + " names convolution '" + layer + "' for " + InflateKeys.FILE
                    + ", which its network does not have");
        }
        long[] s = w.shape(); // [kT, kH, kW, in/groups, out]
        return new Target(array, false, s, key + ".weight", new long[] {s[4], s[3], s[1], s[2]}, Kind.CONV, layer);
    }

    private static void batchNorm(String backbone, ParameterStore store, String name, String key, String layer,
                                  List<Target> out) {
        for (int i = 0; i < BN_OURS.length; i++) {
            boolean state = i >= 2;
            String array = name + "." + BN_OURS[i];
            INDArray a = state ? store.state().get(array) : store.trainable().get(array);
            if (a == null) {
                throw new IllegalStateException(backbone + " names batch norm '" + name + "' for " + InflateKeys.FILE
                        + ", which its network does not have");
            }
            out.add(new Target(array, state, a.shape(), key + "." + BN_TORCH[i], new long[] {a.shape()[1]}, Kind.VECTOR,
                    layer));
        }
    }

    /** Every path's convolution from the 2D conv, and every path's own batch norm (if the form gives it one). */
    private static void fusion(String backbone, Inflation.Fusion f, NetworkGraph graph, ParameterStore store,
                               List<String> unitNames, List<Target> out) {
        PositionInfo position = graph.positions().stream().filter(p -> p.name().equals(f.name())).findFirst()
                .orElseThrow(() -> new IllegalStateException(backbone + " names fusion position '" + f.name() + "' for "
                        + InflateKeys.FILE + ", which its network does not have"));
        for (int i = 0; i < position.pathsPresent().size(); i++) {
            if (!position.pathsPresent().get(i)) {
                continue;
            }
            String unit = unitNames.get(i);
            String scope = f.name() + "." + unit;
            String bn = scope + ".bn";
            List<String> convs = new ArrayList<>();
            List<String> others = new ArrayList<>();
            boolean hasBn = false;
            for (String p : position.pathParameters().get(i)) {
                if (p.endsWith(".theta")) {
                    continue; // the path's gate: not a weight of the 2D network
                }
                if (p.equals(bn + ".gamma") || p.equals(bn + ".beta")) {
                    hasBn = true;
                } else if (p.endsWith(".weight") && store.trainable().get(p).rank() == 5) {
                    convs.add(p);
                } else {
                    others.add(p);
                }
            }
            if (convs.size() != 1 || !others.isEmpty()) {
                throw new ConfigException(InflateKeys.FILE, "fusion path '" + unit + "' at " + f.name() + " has "
                        + convs.size() + " convolution" + (convs.size() == 1 ? "" : "s")
                        + (others.isEmpty() ? "" : " and other weights (" + others.get(0) + ")")
                        + "; only fusion paths of one convolution can be inflated from a 2D network's 1x1 conv");
            }
            if (hasBn && f.batchNorm() == null) {
                throw new IllegalStateException(backbone + " names no 2D batch norm for fusion position '" + f.name()
                        + "', whose paths have one each");
            }
            if (!hasBn && f.batchNorm() != null) {
                throw new IllegalStateException(backbone + " names 2D batch norm '" + f.batchNorm() + "' for fusion position '"
                        + f.name() + "', whose paths have no batch norm of their own");
            }
            if (hasBn) {
                batchNorm(backbone, store, bn, f.batchNorm(), bn, out);
            }
            out.add(conv(backbone, store, convs.get(0), f.conv(), convs.get(0).substring(0, convs.get(0).length()
                    - ".weight".length())));
        }
    }
}
