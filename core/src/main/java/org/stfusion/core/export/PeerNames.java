package org.stfusion.core.export;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of the PyTorch peer's {@code FusionDenseNet3D.state_dict()} (examples/pytorch/fusion_densenet3d.py) for the arrays of a
 * {@code densenet3d} network: {@code stem.conv.weight} → {@code stem_conv.weight}, the i-th fusion position in
 * network order (dense layers and transitions alike) → {@code stages.i}, its S and ST paths → {@code s_path} and
 * {@code t_path} (each {@code bn}, {@code conv}, and in the template {@code gate.theta}), the layer's own BN and
 * 1x3x3 conv → {@code stages.i.bn} and {@code stages.i.conv}, {@code head.bn} → {@code head_bn}, the classifier →
 * {@code fc} and its feature gate → {@code fc_gate.theta}. Batch-norm γ, β and running statistics become
 * {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}; PyTorch also keeps a
 * {@code num_batches_tracked} counter per batch norm ({@link #counters}).
 */
public final class PeerNames {
    public static final String BACKBONE = "densenet3d";
    private static final Map<String, String> BN = Map.of("gamma", "weight", "beta", "bias", "runningMean", "running_mean",
            "runningVar", "running_var");
    private static final Map<String, String> PATHS = Map.of("S", "s_path", "ST", "t_path");

    private PeerNames() {
    }

    /** A name the peer has no place for (a layer gate D1, a gate per source, a path of another unit). */
    public static final class NoPeerName extends Exception {
        private static final long serialVersionUID = 1L;

        NoPeerName(String message) {
            super(message);
        }
    }

    /**
     * Our name → the peer's key for every name in {@code ours}, given the fusion positions in network order; fails
     * on the first name that has no place in the peer's module tree.
     */
    public static Map<String, String> map(Collection<String> ours, List<String> positions) throws NoPeerName {
        Map<String, Integer> stage = new HashMap<>();
        for (int i = 0; i < positions.size(); i++) {
            stage.put(positions.get(i), i);
        }
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> back = new HashMap<>();
        for (String name : ours) {
            String peer = peerName(name, stage);
            if (peer == null) {
                throw new NoPeerName("'" + name + "' has no place in PyTorch's FusionDenseNet3D");
            }
            String earlier = back.put(peer, name);
            if (earlier != null) {
                throw new NoPeerName("'" + earlier + "' and '" + name + "' would both be '" + peer + "'");
            }
            out.put(name, peer);
        }
        return out;
    }

    /** The {@code num_batches_tracked} key of every batch norm among the peer names {@code peerNames}. */
    public static List<String> counters(Collection<String> peerNames) {
        List<String> out = new ArrayList<>();
        for (String name : peerNames) {
            if (name.endsWith(".running_mean")) {
                out.add(name.substring(0, name.length() - ".running_mean".length()) + ".num_batches_tracked");
            }
        }
        return out;
    }

    private static String peerName(String name, Map<String, Integer> stage) {
        if (name.equals("stem.conv.weight")) {
            return "stem_conv.weight";
        }
        if (name.startsWith("stem.bn.")) {
            return bn("stem_bn", name.substring("stem.bn.".length()));
        }
        if (name.startsWith("head.bn.")) {
            return bn("head_bn", name.substring("head.bn.".length()));
        }
        switch (name) {
            case "head.fc.weight":
                return "fc.weight";
            case "head.fc.bias":
                return "fc.bias";
            case "head.fc.theta":
                return "fc_gate.theta";
            default:
                break;
        }
        String position = null;
        for (String p : stage.keySet()) {
            if (name.startsWith(p + ".") && (position == null || p.length() > position.length())) {
                position = p;
            }
        }
        if (position == null) {
            return null;
        }
        String prefix = "stages." + stage.get(position);
        String rest = name.substring(position.length() + 1);
        int dot = rest.indexOf('.');
        String head = dot < 0 ? rest : rest.substring(0, dot);
        String tail = dot < 0 ? "" : rest.substring(dot + 1);
        if (PATHS.containsKey(head)) {
            String path = prefix + "." + PATHS.get(head);
            if (tail.equals("theta")) {
                return path + ".gate.theta";
            }
            if (tail.equals("conv.weight")) {
                return path + ".conv.weight";
            }
            return tail.startsWith("bn.") ? bn(path + ".bn", tail.substring(3)) : null;
        }
        if (rest.equals("conv.weight")) {
            return prefix + ".conv.weight";
        }
        return rest.startsWith("bn.") ? bn(prefix + ".bn", rest.substring(3)) : null;
    }

    private static String bn(String module, String field) {
        String peer = BN.get(field);
        return peer == null ? null : module + "." + peer;
    }
}
