package org.stfusion.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SGD with classical momentum as in PyTorch: {@code v = μv + (g + λw); w -= lr·v}. The velocities are the
 * optimizer state saved in checkpoints.
 */
public final class SgdMomentum {
    private final double momentum;
    private final Map<String, INDArray> velocity = new LinkedHashMap<>();

    public SgdMomentum(double momentum) {
        this.momentum = momentum;
    }

    public void step(Map<String, INDArray> params, Map<String, INDArray> gradients, double lr, double weightDecay) {
        for (var e : gradients.entrySet()) {
            INDArray w = params.get(e.getKey());
            INDArray g = e.getValue();
            if (weightDecay != 0) {
                g = g.add(w.mul(weightDecay));
            }
            INDArray v = velocity.get(e.getKey());
            if (v == null) {
                v = g.dup();
                velocity.put(e.getKey(), v);
            } else {
                v.muli(momentum).addi(g);
            }
            w.subi(v.mul(lr));
        }
    }

    public Map<String, INDArray> state() {
        return velocity;
    }

    /** Drops all velocities: a new stage starts with a fresh optimizer, as the paper's stages do. */
    public void reset() {
        velocity.clear();
    }
}
