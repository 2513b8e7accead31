package org.stfusion.core.network;

import java.util.List;
import org.stfusion.api.model.Shape;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.PositionInfo;

/**
 * One graph over a network's weights and the engine that runs it, with what the trainer and scorer need to drive
 * it: the trained arrays it uses, its gates and fusion positions, its batch norms (batch-statistics graphs) and
 * its MACs per clip.
 */
public record BuiltGraph(NetworkGraph graph, GraphExecutor executor) {

    /** The clip shape (C x T x H x W) the graph was recorded for; its engine plans for that size only. */
    public Shape inputShape() {
        return graph.node(0).shape();
    }

    public GraphVariant variant() {
        return graph.variant();
    }

    public List<String> trainableNames() {
        return graph.trainableNames();
    }

    public List<GateInfo> gates() {
        return graph.gates();
    }

    public List<PositionInfo> positions() {
        return graph.positions();
    }

    public List<String> batchNorms() {
        return graph.batchNorms();
    }

    public String classifierTheta() {
        return graph.classifierTheta();
    }

    public int classifierFeatures() {
        return graph.classifierFeatures();
    }

    /** MACs per clip of everything always computed; gated paths carry their own in {@link GateInfo}. */
    public long macs() {
        return graph.macs();
    }

    public boolean hasLoss() {
        return graph.hasLoss();
    }

    /** MACs of the gated paths, i.e. what all-kept adds to {@link #macs()}. */
    public long gatedMacs() {
        return graph.gatedMacs();
    }

    /** Forward MACs per clip when only what {@code keep[g]} keeps is computed (see {@link NetworkGraph#macsWith}). */
    public long macsWith(boolean[] keep) {
        return graph.macsWith(keep);
    }
}
