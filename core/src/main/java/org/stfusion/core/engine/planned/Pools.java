package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.kernels.ElementwiseKernels;
import org.stfusion.core.engine.kernels.PoolingKernels;

/**
 * Max pooling on the Java kernels (faster than ND4J's on the stem's large activations, and they take channel slices
 * as they are), average pooling on ND4J's native kernels without counting padded cells.
 */
final class Pools {
    private Pools() {
    }

    static void forward(Op.Pool p, INDArray x, INDArray y, Scratch scratch) {
        int[] k = Convolutions.triple(p.kernel());
        int[] s = Convolutions.triple(p.stride());
        int[] pad = Convolutions.triple(p.padding());
        if (p.max()) {
            PoolingKernels.maxPool3d(javaLayout(x, Scratch.Role.INPUT, scratch), k, s, pad,
                    ElementwiseKernels.takes(y) ? y : scratch.like(Scratch.Role.OUTPUT, y));
            if (!ElementwiseKernels.takes(y)) {
                y.assign(scratch.like(Scratch.Role.OUTPUT, y));
            }
            return;
        }
        INDArray in = Views.contiguous(x) ? x : Elementwise.copy(x, scratch.like(Scratch.Role.INPUT, x));
        INDArray out = Views.contiguous(y) ? y : scratch.like(Scratch.Role.OUTPUT, y);
        scratch.ops.avgPool3d(in, k, s, pad, out);
        if (out != y) {
            Elementwise.copy(out, y);
        }
    }

    /** The input gradient, written into {@code dx} (contiguous, shaped like x). */
    static INDArray backward(Op.Pool p, INDArray x, INDArray dy, INDArray dx, Scratch scratch) {
        int[] k = Convolutions.triple(p.kernel());
        int[] s = Convolutions.triple(p.stride());
        int[] pad = Convolutions.triple(p.padding());
        if (p.max()) {
            PoolingKernels.maxPool3dBackward(javaLayout(x, Scratch.Role.INPUT, scratch), javaLayout(dy,
                    Scratch.Role.GRAD_OUTPUT, scratch), k, s, pad, dx);
            return dx;
        }
        INDArray in = Views.contiguous(x) ? x : Elementwise.copy(x, scratch.like(Scratch.Role.INPUT, x));
        INDArray grad = Views.contiguous(dy) ? dy : Elementwise.copy(dy, scratch.like(Scratch.Role.GRAD_OUTPUT, dy));
        scratch.ops.avgPool3dBackward(in, grad, k, s, pad, dx);
        return dx;
    }

    /** {@code a} itself when the Java kernels take its layout (channel slices do), else a c-order copy. */
    private static INDArray javaLayout(INDArray a, Scratch.Role role, Scratch scratch) {
        return ElementwiseKernels.takes(a) ? a : scratch.like(role, a).assign(a);
    }
}
