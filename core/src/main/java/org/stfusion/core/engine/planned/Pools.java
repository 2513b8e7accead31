package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.kernels.ElementwiseKernels;
import org.stfusion.core.engine.kernels.PoolingKernels;

/**
 * Pooling on ND4J's native kernels (average pooling does not count padded cells), and max pooling of large planes on
 * the Java kernels: ND4J's maxpool3dnew(_bp) took 0.9 and 2.5 ms on [4, 64, 8, 32, 32] but 64 and 81 ms on
 * [4, 64, 8, 48, 48] and 129 and 141 ms on small's stem [4, 64, 8, 56, 56] (2 cores), where the Java kernels took
 * 32 and 66 ms; on planes of 32x32 and less ND4J's was 4-6x faster than the Java kernels.
 */
final class Pools {
    /** Height x width of the input planes above which max pooling runs on the Java kernels. */
    private static final long JAVA_MAX_POOL_PLANE = 32 * 32;

    private Pools() {
    }

    static void forward(Op.Pool p, INDArray x, INDArray y, Scratch scratch) {
        int[] k = Convolutions.triple(p.kernel());
        int[] s = Convolutions.triple(p.stride());
        int[] pad = Convolutions.triple(p.padding());
        if (p.max() && x.size(3) * x.size(4) > JAVA_MAX_POOL_PLANE) {
            PoolingKernels.maxPool3d(javaLayout(x, Scratch.Role.INPUT, scratch), k, s, pad,
                    ElementwiseKernels.takes(y) ? y : scratch.like(Scratch.Role.OUTPUT, y));
            if (!ElementwiseKernels.takes(y)) {
                y.assign(scratch.like(Scratch.Role.OUTPUT, y));
            }
            return;
        }
        INDArray in = Views.contiguous(x) ? x : Elementwise.copy(x, scratch.like(Scratch.Role.INPUT, x));
        INDArray out = Views.contiguous(y) ? y : scratch.like(Scratch.Role.OUTPUT, y);
        if (p.max()) {
            scratch.ops.maxPool3d(in, k, s, pad, out);
        } else {
            scratch.ops.avgPool3d(in, k, s, pad, out);
        }
        if (out != y) {
            Elementwise.copy(out, y);
        }
    }

    /** The input gradient, written into {@code dx} (contiguous, shaped like x). */
    static INDArray backward(Op.Pool p, INDArray x, INDArray dy, INDArray dx, Scratch scratch) {
        int[] k = Convolutions.triple(p.kernel());
        int[] s = Convolutions.triple(p.stride());
        int[] pad = Convolutions.triple(p.padding());
        if (p.max() && x.size(3) * x.size(4) > JAVA_MAX_POOL_PLANE) {
            PoolingKernels.maxPool3dBackward(javaLayout(x, Scratch.Role.INPUT, scratch), javaLayout(dy,
                    Scratch.Role.GRAD_OUTPUT, scratch), k, s, pad, dx);
            return dx;
        }
        INDArray in = Views.contiguous(x) ? x : Elementwise.copy(x, scratch.like(Scratch.Role.INPUT, x));
        INDArray grad = Views.contiguous(dy) ? dy : Elementwise.copy(dy, scratch.like(Scratch.Role.GRAD_OUTPUT, dy));
        if (p.max()) {
            scratch.ops.maxPool3dBackward(in, grad, k, s, pad, dx);
        } else {
            scratch.ops.avgPool3dBackward(in, grad, k, s, pad, dx);
        }
        return dx;
    }

    /** {@code a} itself when the Java kernels take its layout (channel slices do), else a c-order copy. */
    private static INDArray javaLayout(INDArray a, Scratch.Role role, Scratch scratch) {
        return ElementwiseKernels.takes(a) ? a : scratch.like(role, a).assign(a);
    }
}
