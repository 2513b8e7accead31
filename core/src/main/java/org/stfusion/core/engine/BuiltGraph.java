package org.stfusion.core.engine;

import java.util.List;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * One graph over the shared weights, with what the trainer and scorer need to drive it: the trained
 * arrays it uses, its gates and fusion positions, its batch norms (BATCH mode) and the MACs per clip of
 * everything that is always computed ({@code macs}; gated paths carry their own in {@link GateInfo}).
 */
public record BuiltGraph(SameDiff sd, GraphVariant variant, List<String> trainableNames, List<GateInfo> gates,
                         List<PositionInfo> positions, List<String> batchNorms, String classifierTheta,
                         int classifierFeatures, long macs, boolean hasLoss) {

    /** MACs of the gated paths, i.e. what all-kept adds to {@link #macs()}. */
    public long gatedMacs() {
        return gates.stream().mapToLong(GateInfo::macsPerClip).sum();
    }

    /**
     * Forward MACs per clip when only what {@code keep[g]} keeps is computed; the paths of a position whose
     * layer gate (D1) is dropped are not computed either, since the layer adds nothing.
     */
    public long macsWith(boolean[] keep) {
        java.util.Set<String> skipped = new java.util.HashSet<>();
        for (GateInfo g : gates) {
            if (g.layerGate() && !keep[g.index()]) {
                skipped.add(g.position());
            }
        }
        long m = macs - gatedMacs();
        for (GateInfo g : gates) {
            if (keep[g.index()] && !skipped.contains(g.position())) {
                m += g.macsPerClip();
            }
        }
        return m;
    }
}
