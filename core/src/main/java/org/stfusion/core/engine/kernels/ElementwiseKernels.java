package org.stfusion.core.engine.kernels;

import static org.stfusion.core.engine.kernels.ChunkMath.G;
import static org.stfusion.core.engine.kernels.ChunkMath.OUT;
import static org.stfusion.core.engine.kernels.ChunkMath.WIDTH;
import static org.stfusion.core.engine.kernels.ChunkMath.X;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * In-place elementwise ops, and sums and spreads per (sample, channel), in Java for [N, C, ...] activations,
 * channel-slice views included. On such views ND4J's relu, relu_bp, add and assign are 25-80 times slower than on
 * a contiguous array (they fall back to per-element index arithmetic), and relu_bp is slow even on contiguous
 * arrays; these kernels run at the same speed on both, and the sums allocate no ND4J array. On contiguous arrays ND4J's relu, add and assign are faster
 * (see {@link NativeOps}). Same layout rules and threading as {@link BatchNormKernels}.
 */
public final class ElementwiseKernels {

    private ElementwiseKernels() {
    }

    /** x = max(x, 0). */
    public static void relu(INDArray x) {
        ChannelRuns a = ChannelRuns.of(x);
        eachChunk(a, (k, n, c, from, len) -> {
            k.load(a, n, c, from, len, X);
            k.relu(len);
            k.store(OUT, a, n, c, from, len);
        });
    }

    /**
     * grad = grad where {@code activation} > 0, else 0. {@code activation} may be the ReLU's input or
     * its output; it is shaped like {@code grad}, with any layout.
     */
    public static void reluBackward(INDArray activation, INDArray grad) {
        ChannelRuns g = ChannelRuns.of(grad);
        ChannelRuns a = ChannelRuns.like(activation, grad, "activation");
        eachChunk(g, (k, n, c, from, len) -> {
            k.load(a, n, c, from, len, X);
            k.load(g, n, c, from, len, G);
            k.reluGradient(len);
            k.store(OUT, g, n, c, from, len);
        });
    }

    /** y += x; x is shaped like y, with any layout. */
    public static void addInPlace(INDArray y, INDArray x) {
        ChannelRuns out = ChannelRuns.of(y);
        ChannelRuns in = ChannelRuns.like(x, y, "x");
        eachChunk(out, (k, n, c, from, len) -> {
            k.load(out, n, c, from, len, X);
            k.load(in, n, c, from, len, G);
            k.sum(len);
            k.store(OUT, out, n, c, from, len);
        });
    }

    /** Whether these kernels take {@code a}: rank 2 or more, and dense, C-ordered dimensions after C. */
    public static boolean takes(INDArray a) {
        return a.rank() >= 2 && ChannelRuns.trailingDense(a);
    }

    /** dst = src; both [N, C, ...] of one shape and type, each in any layout these kernels {@link #takes}. */
    public static void copy(INDArray src, INDArray dst) {
        ChannelRuns out = ChannelRuns.of(dst);
        ChannelRuns in = ChannelRuns.like(src, dst, "src");
        eachChunk(out, (k, n, c, from, len) -> {
            k.load(in, n, c, from, len, X);
            k.store(X, out, n, c, from, len);
        });
    }

    public static void zero(INDArray x) {
        ChannelRuns a = ChannelRuns.of(x);
        eachChunk(a, (k, n, c, from, len) -> {
            k.clearOut(len);
            k.store(OUT, a, n, c, from, len);
        });
    }

    /** out[n, c] = the sum over the trailing dimensions of a * b; b is shaped like a (any layout); out is [N, C]. */
    public static void channelDot(INDArray a, INDArray b, INDArray out) {
        ChannelRuns x = ChannelRuns.of(a);
        ChannelRuns y = ChannelRuns.like(b, a, "b");
        double[] sums = new double[x.batch * x.channels];
        eachRun(x, (k, n, c) -> {
            double sum = 0;
            for (int from = 0; from < x.run; from += WIDTH) {
                int len = Math.min(WIDTH, x.run - from);
                k.load(x, n, c, from, len, X);
                k.load(y, n, c, from, len, G);
                sum += k.dot(len);
            }
            sums[n * x.channels + c] = sum;
        });
        SmallArrays.writeMatrix(sums, out);
    }

    /** out[n, c] = the mean over the trailing dimensions of x; out is [N, C]. */
    public static void channelMean(INDArray x, INDArray out) {
        ChannelRuns in = ChannelRuns.of(x);
        double[] means = new double[in.batch * in.channels];
        eachRun(in, (k, n, c) -> {
            double sum = 0;
            for (int from = 0; from < in.run; from += WIDTH) {
                int len = Math.min(WIDTH, in.run - from);
                k.load(in, n, c, from, len, X);
                sum += k.sumX(len);
            }
            means[n * in.channels + c] = sum / in.run;
        });
        SmallArrays.writeMatrix(means, out);
    }

    /** x[n, c, ...] = scale * v[n, c] for every element of the run (n, c); v is [N, C]. */
    public static void spreadChannels(INDArray v, double scale, INDArray x) {
        ChannelRuns out = ChannelRuns.of(x);
        double[] values = new double[out.batch * out.channels];
        SmallArrays.readMatrix(v, out.batch, out.channels, "v", values);
        eachChunk(out, (k, n, c, from, len) -> {
            k.fillOut(scale * values[n * out.channels + c], len);
            k.store(OUT, out, n, c, from, len);
        });
    }

    @FunctionalInterface
    private interface RunOp {
        void apply(ChunkMath k, int n, int c);
    }

    private static void eachRun(ChannelRuns layout, RunOp op) {
        int channels = layout.channels;
        Parallel.forRange(layout.batch * channels, Parallel.grainFor(layout.run), (r0, r1) -> {
            ChunkMath k = ChunkMath.forThread(layout);
            for (int r = r0; r < r1; r++) {
                op.apply(k, r / channels, r % channels);
            }
        });
    }

    @FunctionalInterface
    private interface ChunkOp {
        void apply(ChunkMath k, int n, int c, int from, int len);
    }

    /** Runs {@code op} over every chunk of every (n, c) run of {@code layout}, runs split across threads. */
    private static void eachChunk(ChannelRuns layout, ChunkOp op) {
        int channels = layout.channels;
        int run = layout.run;
        Parallel.forRange(layout.batch * channels, Parallel.grainFor(run), (r0, r1) -> {
            ChunkMath k = ChunkMath.forThread(layout);
            for (int r = r0; r < r1; r++) {
                int n = r / channels;
                int c = r % channels;
                for (int from = 0; from < run; from += WIDTH) {
                    op.apply(k, n, c, from, Math.min(WIDTH, run - from));
                }
            }
        });
    }
}
