package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.api.model.Kernel3;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.kernels.ElementwiseKernels;
import org.stfusion.core.engine.kernels.OneDnnConvolutions;
import org.stfusion.core.engine.kernels.PlaneColumns;

/**
 * Convolutions of the planned engine: on oneDNN's primitives where it takes the arrays (FLOAT; see
 * {@link OneDnnConvolutions}), else on ND4J's native conv3d (oneDNN too, through ND4J) and matrix products. On the
 * ND4J routes, operands in strided slices are staged through contiguous scratch arrays, and as M2.1's conv3d has no
 * groups, a grouped convolution runs as one native convolution per group on that group's slices (exact; a depthwise
 * one is slow).
 */
final class Convolutions {
    private Convolutions() {
    }

    static void forward(Op.Conv c, INDArray x, INDArray w, INDArray y, Scratch scratch) {
        forward(c, x, w, y, false, scratch);
    }

    /** y = conv(x, w), or y += conv(x, w) when {@code add}. */
    static void forward(Op.Conv c, INDArray x, INDArray w, INDArray y, boolean add, Scratch scratch) {
        if (OneDnnConvolutions.supports(x, w, y)
                && scratch.oneDnn.forward(x, w, triple(c.stride()), triple(c.padding()), c.groups(), y, add)) {
            return;
        }
        if (add) {
            INDArray out = scratch.like(Scratch.Role.SUMMAND, y);
            forward(c, x, w, out, false, scratch);
            ElementwiseKernels.addInPlace(y, out);
            return;
        }
        if (pointwise(c, x, y) && Views.contiguous(w)) {
            INDArray weights = scratch.matrix(w, x.size(1)); // [iC, oC]
            for (int n = 0; n < x.size(0); n++) {
                scratch.ops.gemm(weights, scratch.sampleMatrix(x, n), true, false, false, scratch.sampleMatrix(y, n));
            }
            return;
        }
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
     * Both gradients on oneDNN, where the arrays are: the weight gradient into {@code gw} (overwriting), the input
     * gradient into {@code gradIn}, added to what it holds when {@code add}; none when {@code gradIn} is null (the
     * network's input). False, with nothing to rely on written, when oneDNN cannot take these arrays.
     */
    static boolean backwardInPlace(Op.Conv c, INDArray x, INDArray w, INDArray dy, INDArray gradIn, boolean add,
                                   INDArray gw, Scratch scratch) {
        if (!OneDnnConvolutions.supports(x, w, dy) || !OneDnnConvolutions.supports(x, gw, dy)
                || gradIn != null && !OneDnnConvolutions.supports(gradIn, w, dy)) {
            return false;
        }
        int[] stride = triple(c.stride());
        int[] padding = triple(c.padding());
        return gradIn == null ? scratch.oneDnn.backwardWeights(x, dy, stride, padding, c.groups(), gw)
                : scratch.oneDnn.backward(x, w, dy, stride, padding, c.groups(), gradIn, add, gw);
    }

    /**
     * Writes the weight gradient into {@code gw} (overwriting) and returns the input gradient: in {@code gx} when
     * given and contiguous, else in scratch.
     */
    static INDArray backward(Op.Conv c, INDArray x, INDArray w, INDArray dy, INDArray gx, INDArray gw, Scratch scratch) {
        if (pointwise(c, x, dy) && Views.contiguous(w) && Views.contiguous(gw)) {
            INDArray dx = gx != null && Views.samplesAreMatrices(gx) ? gx : scratch.like(Scratch.Role.GRAD_INPUT, x);
            INDArray weights = scratch.matrix(w, x.size(1));
            INDArray weightGrad = scratch.matrix(gw, x.size(1));
            for (int n = 0; n < x.size(0); n++) {
                INDArray dyn = scratch.sampleMatrix(dy, n);
                scratch.ops.gemm(weights, dyn, false, false, false, scratch.sampleMatrix(dx, n));
                scratch.ops.gemm(scratch.sampleMatrix(x, n), dyn, false, true, n > 0, weightGrad);
            }
            return dx;
        }
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

    /** Multiply-adds of one product of {@link #weightGradient} below which conv3dnew_bp (both gradients) is faster. */
    private static final long COLUMN_PRODUCT_MIN_WORK = 1_000_000;

    /**
     * Whether {@link #weightGradient} pays for {@code c} on these arrays: its products (one per sample and output
     * plane) must not be tiny. The default example's 1x7x7 stem (150 k multiply-adds a product, 128 products a step)
     * took 5.5 ms against conv3dnew_bp's 4.0; small's 5x7x7 stem (147 M a product) 62-84 ms against 200-217.
     */
    static boolean weightGradientPays(Op.Conv c, INDArray x, INDArray dy) {
        long product = (long) c.kernel().volume() * x.size(1) * dy.size(1) * dy.size(3) * dy.size(4);
        return c.groups() == 1 && x.rank() == 5 && product >= COLUMN_PRODUCT_MIN_WORK
                && ElementwiseKernels.takes(x) && ElementwiseKernels.takes(dy); // layouts the Java kernels read
    }

    /**
     * Only the weight gradient, into {@code gw} (overwriting), for a convolution whose input takes no gradient (the
     * network's input). Per sample, the 2D columns of every input plane ({@link PlaneColumns}); per output plane, one
     * matrix product of the columns of the planes it reads with its output gradient.
     */
    static void weightGradient(Op.Conv c, INDArray x, INDArray dy, INDArray gw, Scratch scratch) {
        int[] k = triple(c.kernel());
        int[] stride = triple(c.stride());
        int[] padding = triple(c.padding());
        int depth = (int) x.size(2);
        int outDepth = (int) dy.size(2);
        long plane = dy.size(3) * dy.size(4);
        long rows = (long) k[1] * k[2] * x.size(1);
        int outChannels = (int) dy.size(1);
        INDArray columns = scratch.get(Scratch.Role.COLUMNS, 1, depth * rows, plane);
        INDArray columnMatrix = scratch.get(Scratch.Role.COLUMNS, depth * rows, plane);
        INDArray taps = scratch.matrix(gw, k[0] * rows); // [kD * rows, oC]
        Elementwise.zero(taps);
        for (int n = 0; n < dy.size(0); n++) {
            PlaneColumns.fill(x, n, k[1], k[2], stride[1], stride[2], padding[1], padding[2], (int) dy.size(3),
                    (int) dy.size(4), columns);
            PlaneColumns.planesFirst(dy, n, scratch.get(Scratch.Role.GRAD_OUTPUT, 1, outDepth * outChannels, plane));
            INDArray planes = scratch.get(Scratch.Role.GRAD_OUTPUT, outDepth * outChannels, plane);
            for (int od = 0; od < outDepth; od++) {
                // Depth taps of this output plane that read an input plane: 0 <= od * stride + kd - padding < depth.
                int start = od * stride[0] - padding[0];
                int first = Math.max(0, -start);
                int last = Math.min(k[0] - 1, depth - 1 - start);
                if (first > last) {
                    continue;
                }
                long taken = (last - first + 1) * rows;
                scratch.ops.gemm(scratch.rowRange(columnMatrix, (start + first) * rows, taken),
                        scratch.rowRange(planes, (long) od * outChannels, outChannels), false, true, true,
                        scratch.rowRange(taps, first * rows, taken));
            }
        }
    }

    /**
     * Multiply-adds per sample below which a 1x1x1 convolution stays on conv3dnew: one call for the batch beats a
     * product per sample when each is tiny (the default example's 24 > 16 channels on 8x4x4: 49 k a sample, the
     * products' backward took 2.4x as long; about even at 260 k; 8 M, as in the tiny workload: 2-10x faster).
     */
    private static final long POINTWISE_MIN_WORK = 1_000_000;

    /**
     * Whether {@code c} is a 1x1x1 convolution on arrays whose samples are plain [C, T*H*W] matrices: then it is a
     * matrix product per sample, W^T x[n], with every operand contiguous (oneDNN's matmul). On small's shapes that
     * ran the backward 1.2-8x and the forward up to 2x faster than conv3dnew(_bp), which reorders to and from
     * oneDNN's blocked layout on every call. A 3x1x1 kernel is three such products over shifted column ranges,
     * but strided operands go to OpenBLAS, which was slower and whose threads then spin in sched_yield.
     */
    private static boolean pointwise(Op.Conv c, INDArray x, INDArray other) {
        Kernel3 p = c.padding();
        if (c.groups() != 1 || c.kernel().volume() != 1 || c.stride().volume() != 1 || p.t() != 0 || p.h() != 0
                || p.w() != 0 || x.length() / x.size(0) * other.size(1) < POINTWISE_MIN_WORK) {
            return false;
        }
        INDArray[] arrays = {x, other};
        for (INDArray a : arrays) {
            if (a.rank() != 5 || !Views.samplesAreMatrices(a)) {
                return false;
            }
        }
        return true;
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
