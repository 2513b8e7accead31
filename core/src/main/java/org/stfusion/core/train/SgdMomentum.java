package org.stfusion.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.kernels.UpdateKernels;

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

    /** One step, in place: nothing is allocated but a velocity on its first step. */
    public void step(Map<String, INDArray> params, Map<String, INDArray> gradients, double lr, double weightDecay) {
        for (var e : gradients.entrySet()) {
            INDArray w = params.get(e.getKey());
            INDArray g = e.getValue();
            INDArray v = velocity.get(e.getKey());
            boolean fresh = v == null;
            if (fresh) {
                v = g.ulike();
                velocity.put(e.getKey(), v);
            }
            if (UpdateKernels.dense(w) && UpdateKernels.dense(g) && UpdateKernels.dense(v)
                    && w.dataType() == g.dataType() && w.dataType() == v.dataType()) {
                UpdateKernels.sgdMomentum(w, g, v, momentum, lr, weightDecay, fresh);
                continue;
            }
            if (fresh) {
                v.assign(g);
            } else {
                v.muli(momentum).addi(g);
            }
            if (weightDecay != 0) {
                Nd4j.exec(new Axpy(w, v, v, weightDecay)); // v += weightDecay w
            }
            Nd4j.exec(new Axpy(v, w, w, -lr)); // w -= lr v
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
