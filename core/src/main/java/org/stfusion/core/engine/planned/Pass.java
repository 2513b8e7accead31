package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.kernels.ElementwiseKernels;

/**
 * One forward (and backward) pass of the planned engine: views of the planned buffers for batch {@code b} (see
 * {@link Buffers#pass}), the
 * pass's gate values, which nodes it skips, and which gradients hold something already (so that the first
 * contribution to a gradient is a copy and the next ones are additions).
 */
final class Pass {
    final int b;
    final INDArray[] value;
    final INDArray[] grad;
    final boolean[] written;
    final boolean[] skipped;
    final Gates gates;

    Pass(int b, INDArray[] value, INDArray[] grad, Gates gates) {
        this.b = b;
        this.gates = gates;
        this.value = value;
        this.grad = grad;
        written = new boolean[value.length];
        skipped = new boolean[value.length];
    }

    /** The gradient flowing into node {@code id}; zero if nothing after it used it. */
    INDArray gradOf(int id) {
        if (!written[id]) {
            Elementwise.zero(grad[id]);
            written[id] = true;
        }
        return grad[id];
    }

    /** grad[input] += dx, or = dx if nothing was written there yet; nothing if the input takes no gradient. */
    void addTo(int input, INDArray dx) {
        if (grad[input] == null) {
            return;
        }
        if (written[input]) {
            ElementwiseKernels.addInPlace(grad[input], dx);
        } else {
            Elementwise.copy(dx, grad[input]);
            written[input] = true;
        }
    }
}
