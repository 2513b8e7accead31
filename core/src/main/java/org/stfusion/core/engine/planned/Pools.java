package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.Op;

/** Max and average pooling on ND4J's native kernels; average pooling does not count padded cells. */
final class Pools {
    private Pools() {
    }

    static void forward(Op.Pool p, INDArray x, INDArray y, Scratch scratch) {
        INDArray in = Views.contiguous(x) ? x : Elementwise.copy(x, scratch.like(Scratch.Role.INPUT, x));
        INDArray out = Views.contiguous(y) ? y : scratch.like(Scratch.Role.OUTPUT, y);
        int[] k = Convolutions.triple(p.kernel());
        int[] s = Convolutions.triple(p.stride());
        int[] pad = Convolutions.triple(p.padding());
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
        INDArray in = Views.contiguous(x) ? x : Elementwise.copy(x, scratch.like(Scratch.Role.INPUT, x));
        INDArray grad = Views.contiguous(dy) ? dy : Elementwise.copy(dy, scratch.like(Scratch.Role.GRAD_OUTPUT, dy));
        int[] k = Convolutions.triple(p.kernel());
        int[] s = Convolutions.triple(p.stride());
        int[] pad = Convolutions.triple(p.padding());
        if (p.max()) {
            scratch.ops.maxPool3dBackward(in, grad, k, s, pad, dx);
        } else {
            scratch.ops.avgPool3dBackward(in, grad, k, s, pad, dx);
        }
        return dx;
    }
}
