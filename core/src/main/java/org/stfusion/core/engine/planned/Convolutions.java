package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.api.model.Kernel3;
import org.stfusion.core.engine.Op;

/**
 * Convolutions of the planned engine on ND4J's native conv3d (oneDNN). Operands in strided slices are staged
 * through contiguous scratch arrays. ND4J M2.1's conv3d has no groups, so a grouped convolution runs as one
 * native convolution per group on that group's slices (exact; a depthwise one is slow).
 */
final class Convolutions {
    private Convolutions() {
    }

    static void forward(Op.Conv c, INDArray x, INDArray w, INDArray y, Scratch scratch) {
        if (c.groups() == 1) {
            INDArray out = Views.contiguous(y) ? y : scratch.like(Scratch.Role.OUTPUT, y);
            scratch.ops.conv3d(contiguous(x, Scratch.Role.INPUT, scratch), w, triple(c.stride()), triple(c.padding()), out);
            if (out != y) {
                Elementwise.copy(out, y);
            }
            return;
        }
        int g = c.groups();
        long inPer = x.size(1) / g;
        long outPer = y.size(1) / g;
        for (int i = 0; i < g; i++) {
            INDArray xg = copy(channels(x, i * inPer, inPer), Scratch.Role.GROUP_INPUT, scratch);
            INDArray wg = copy(outputs(w, i * outPer, outPer), Scratch.Role.GROUP_WEIGHT, scratch);
            INDArray yg = scratch.like(Scratch.Role.GROUP_OUTPUT, channels(y, i * outPer, outPer));
            scratch.ops.conv3d(xg, wg, triple(c.stride()), triple(c.padding()), yg);
            channels(y, i * outPer, outPer).assign(yg);
        }
    }

    /**
     * Writes the weight gradient into {@code gw} (overwriting) and returns the input gradient: in {@code gx} when
     * given and contiguous, else in scratch.
     */
    static INDArray backward(Op.Conv c, INDArray x, INDArray w, INDArray dy, INDArray gx, INDArray gw, Scratch scratch) {
        INDArray dx = gx != null && Views.contiguous(gx) ? gx : scratch.like(Scratch.Role.GRAD_INPUT, x);
        if (c.groups() == 1) {
            scratch.ops.conv3dBackward(contiguous(x, Scratch.Role.INPUT, scratch), w,
                    contiguous(dy, Scratch.Role.GRAD_OUTPUT, scratch), triple(c.stride()), triple(c.padding()), dx, gw);
            return dx;
        }
        int g = c.groups();
        long inPer = x.size(1) / g;
        long outPer = dy.size(1) / g;
        for (int i = 0; i < g; i++) {
            INDArray xg = copy(channels(x, i * inPer, inPer), Scratch.Role.GROUP_INPUT, scratch);
            INDArray wg = copy(outputs(w, i * outPer, outPer), Scratch.Role.GROUP_WEIGHT, scratch);
            INDArray dyg = copy(channels(dy, i * outPer, outPer), Scratch.Role.GROUP_GRAD_OUTPUT, scratch);
            INDArray dxg = scratch.like(Scratch.Role.GROUP_GRAD_INPUT, xg);
            INDArray dwg = scratch.like(Scratch.Role.GROUP_GRAD_WEIGHT, wg);
            scratch.ops.conv3dBackward(xg, wg, dyg, triple(c.stride()), triple(c.padding()), dxg, dwg);
            channels(dx, i * inPer, inPer).assign(dxg);
            outputs(gw, i * outPer, outPer).assign(dwg);
        }
        return dx;
    }

    private static INDArray contiguous(INDArray a, Scratch.Role role, Scratch scratch) {
        return Views.contiguous(a) ? a : copy(a, role, scratch);
    }

    private static INDArray copy(INDArray a, Scratch.Role role, Scratch scratch) {
        return Elementwise.copy(a, scratch.like(role, a));
    }

    private static INDArray channels(INDArray a, long from, long count) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + count), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
    }

    /** Output-channel slice of a [kT, kH, kW, in, out] weight. */
    private static INDArray outputs(INDArray w, long from, long count) {
        return w.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(from, from + count));
    }

    static int[] triple(Kernel3 k) {
        return new int[] {k.t(), k.h(), k.w()};
    }
}
