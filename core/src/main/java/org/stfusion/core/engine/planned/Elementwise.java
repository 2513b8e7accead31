package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.kernels.ElementwiseKernels;

/**
 * The planned engine's remaining elementwise and reduction ops: ReLU and ReLU6 outside a fused batch norm, a
 * scale per (sample, channel) (gates the batch norm kernel could not take), channel masks, global average pooling.
 */
final class Elementwise {
    private Elementwise() {
    }

    /**
     * dst = src. ND4J's assign is fast between contiguous arrays and slow when either is a channel slice (a block
     * buffer's), where the Java kernel copies run by run.
     */
    static INDArray copy(INDArray src, INDArray dst) {
        if (src.rank() < 3 || Views.contiguous(src) && Views.contiguous(dst) || !ElementwiseKernels.takes(src)
                || !ElementwiseKernels.takes(dst)) {
            dst.assign(src);
        } else {
            ElementwiseKernels.copy(src, dst);
        }
        return dst;
    }

    /** a = 0, as {@link #copy} chooses. */
    static void zero(INDArray a) {
        if (a.rank() < 3 || Views.contiguous(a) || !ElementwiseKernels.takes(a)) {
            a.assign(0);
        } else {
            ElementwiseKernels.zero(a);
        }
    }

    static void relu(INDArray x, INDArray y) {
        y.assign(x);
        ElementwiseKernels.relu(y);
    }

    static void relu6(INDArray x, INDArray y) {
        y.assign(x);
        org.nd4j.linalg.ops.transforms.Transforms.relu6(y, false);
    }

    /** dx = dy where 0 < x < 6, else 0. */
    static INDArray relu6Backward(INDArray x, INDArray dy, INDArray dx) {
        INDArray inside = x.gt(0).castTo(dx.dataType()).muli(x.lt(6).castTo(dx.dataType()));
        return dx.assign(dy).muli(inside);
    }

    /** out = x * scale, with scale [batch, C] (a value per sample and channel) or [C] (per channel). */
    static INDArray mulChannels(INDArray x, INDArray scale, INDArray out) {
        if (scale.rank() == 1) {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(x, scale, out, 1));
        } else {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(x, scale, out, 0, 1));
        }
        return out;
    }

    /** [batch, C]: the sum over (T, H, W) of a * b. */
    static INDArray channelDot(INDArray a, INDArray b, INDArray out) {
        if (a.rank() == 2) {
            return out.assign(a).muli(b);
        }
        ElementwiseKernels.channelDot(a, b, out);
        return out;
    }

    static INDArray mask(Op.ChannelMask m, DataType dt) {
        double[] v = new double[m.keep().size()];
        for (int c = 0; c < v.length; c++) {
            v[c] = m.keep().get(c) ? 1 : 0;
        }
        return Nd4j.createFromArray(v).castTo(dt);
    }

    static void globalAvgPool(INDArray x, INDArray y) {
        ElementwiseKernels.channelMean(x, y);
    }

    /** dx[n, c, ...] = dy[n, c] / (T H W). */
    static INDArray globalAvgPoolBackward(INDArray dy, INDArray dx) {
        long voxels = dx.size(2) * dx.size(3) * dx.size(4);
        ElementwiseKernels.spreadChannels(dy, 1.0 / voxels, dx);
        return dx;
    }
}
