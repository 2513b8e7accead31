package org.stfusion.core.engine.kernels;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Thin wrappers over ND4J native ops that write into caller-provided arrays (nothing is allocated for
 * outputs). An instance keeps one native op context per op and argument list and reuses it, setting again only the
 * arrays that changed since its last call: building a context per call (a native object, pointers registered for
 * release, shape buffers) cost more than the op itself on small arrays. An instance is for one thread at a time
 * and holds on to the arrays of its last calls; give each executor its own.
 *
 * <p>Activations are NCDHW; conv weights are [kD, kH, kW, iC, oC]; 3-element arrays are (depth, height, width).
 * Dilation is always 1 and padding is explicit (no SAME mode).
 *
 * <p>Every op here gives correct results on channel-slice views (inputs and outputs, FLOAT and DOUBLE;
 * see NativeOpsTest). Speed on views: conv, pool and matmul outputs cost nothing extra; a conv whose
 * input is a view runs its backward about 2x slower; relu, relu_bp, add and assign are 25-80x slower
 * on views, so use {@link ElementwiseKernels} there.
 *
 * <p>Each op runs on as many OpenMP threads as its work keeps busy ({@link #threadsFor}): below some
 * 4 million multiply-adds per thread, waking and joining the second thread cost more than it saves.
 */
public final class NativeOps {

    /** libnd4j's data-format iArg: 0 = NCDHW (the default of Conv3DConfig is NDHWC, so always pass it). */
    private static final int NCDHW = 0;
    /** avgpool3dnew's iArg 13: 0 divides by the cells inside the input (count_include_pad=False), 1 by the window. */
    private static final int AVG_EXCLUDE_PADDING = 0;

    /**
     * Multiply-adds (or comparable element steps) below which one more OpenMP thread does not pay. Measured on the
     * 2-vCPU VM with oneDNN's conv3d between Java work, as in a training step: at 1.2-4.7 M MACs one thread took
     * 0.5-0.8x the time of two (forward and backward), at 9.4 M the same, at 19-38 M two threads won (0.5-0.9x).
     */
    static final long WORK_PER_THREAD = 4_000_000;

    private static final org.nd4j.nativeblas.NativeOps NATIVE;
    private static final int MAX_THREADS;
    /** The OpenMP thread count this class last set on each thread (omp_set_num_threads holds per thread). */
    private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(() -> new int[] {-1});

    static {
        Nd4j.getBackend(); // NativeOpsHolder needs the backend loaded first
        NATIVE = NativeOpsHolder.getInstance().getDeviceNativeOps();
        MAX_THREADS = Math.max(1, NATIVE.ompGetMaxThreads());
    }

    /** Contexts by op and arguments. */
    private final Map<Call, Context> contexts = new HashMap<>();

    public NativeOps() {
    }

    /** OpenMP threads ND4J started with (the cores, or OMP_NUM_THREADS): the most an op is given. */
    static int maxThreads() {
        return MAX_THREADS;
    }

    /** OpenMP threads for an op of {@code work} multiply-adds: one per {@link #WORK_PER_THREAD}, within the cores. */
    static int threadsFor(long work) {
        return (int) Math.max(1, Math.min(MAX_THREADS, work / WORK_PER_THREAD));
    }

    /** y = conv3d(x, w), no bias. */
    public void conv3d(INDArray x, INDArray w, int[] stride, int[] padding, INDArray y) {
        exec("conv3dnew", convWork(w, y), new INDArray[] {x, w}, new INDArray[] {y}, convArgs(w, stride, padding));
    }

    /** Input and weight gradients of {@link #conv3d}; {@code gradW} is overwritten, not accumulated. */
    public void conv3dBackward(INDArray x, INDArray w, INDArray gradY, int[] stride, int[] padding,
                               INDArray gradX, INDArray gradW) {
        exec("conv3dnew_bp", 2 * convWork(w, gradY), new INDArray[] {x, w, gradY}, new INDArray[] {gradX, gradW},
                convArgs(w, stride, padding));
    }

    public void maxPool3d(INDArray x, int[] kernel, int[] stride, int[] padding, INDArray y) {
        exec("maxpool3dnew", poolWork(x, kernel), new INDArray[] {x}, new INDArray[] {y},
                poolArgs(kernel, stride, padding, 0));
    }

    /** {@code gradX} is overwritten; each window's gradient goes to its maximum. */
    public void maxPool3dBackward(INDArray x, INDArray gradY, int[] kernel, int[] stride, int[] padding,
                                  INDArray gradX) {
        exec("maxpool3dnew_bp", 2 * poolWork(x, kernel), new INDArray[] {x, gradY}, new INDArray[] {gradX},
                poolArgs(kernel, stride, padding, 0));
    }

    /** Average pooling that divides by the number of cells inside the input (padding not counted). */
    public void avgPool3d(INDArray x, int[] kernel, int[] stride, int[] padding, INDArray y) {
        exec("avgpool3dnew", poolWork(x, kernel), new INDArray[] {x}, new INDArray[] {y},
                poolArgs(kernel, stride, padding, AVG_EXCLUDE_PADDING));
    }

    /** {@code gradX} is overwritten. */
    public void avgPool3dBackward(INDArray x, INDArray gradY, int[] kernel, int[] stride, int[] padding,
                                  INDArray gradX) {
        exec("avgpool3dnew_bp", 2 * poolWork(x, kernel), new INDArray[] {x, gradY}, new INDArray[] {gradX},
                poolArgs(kernel, stride, padding, AVG_EXCLUDE_PADDING));
    }

    /** y[N, K] = x[N, C] w[C, K] + bias[K] (bias may be null). */
    public void linear(INDArray x, INDArray w, INDArray bias, INDArray y) {
        gemm(x, w, false, false, false, y);
        if (bias != null) {
            y.addiRowVector(bias);
        }
    }

    /**
     * Gradients of {@link #linear}, each overwritten: gradX = gradY w^T, gradW = x^T gradY,
     * gradBias = the column sums of gradY. {@code gradX} and {@code gradBias} may be null when not needed.
     */
    public void linearBackward(INDArray x, INDArray w, INDArray gradY, INDArray gradX, INDArray gradW,
                               INDArray gradBias) {
        if (gradX != null) {
            gemm(gradY, w, false, true, false, gradX);
        }
        gemm(x, gradY, true, false, false, gradW);
        if (gradBias != null) {
            gradY.sum(gradBias, 0);
        }
    }

    /** x = max(x, 0) in place. */
    public void relu(INDArray x) {
        exec("relu", x.length(), new INDArray[] {x}, new INDArray[] {x}, null, 0.0);
    }

    /**
     * grad = grad where {@code activation} > 0, else 0, in place. {@code activation} may be the ReLU's
     * input or its output: both are positive at the same places.
     */
    public void reluBackward(INDArray activation, INDArray grad) {
        exec("relu_bp", grad.length(), new INDArray[] {activation, grad}, new INDArray[] {grad}, null, 0.0);
    }

    /** y += x. */
    public static void addInPlace(INDArray y, INDArray x) {
        y.addi(x);
    }

    public static void zero(INDArray x) {
        x.assign(0);
    }

    /**
     * Mean over the batch of the softmax cross-entropy of {@code logits} [N, K] against one-hot (or
     * any probability) {@code labels} [N, K]; writes dLoss/dLogits = (softmax - labels) / N into
     * {@code gradLogits} (which may be {@code logits}) and returns the loss.
     */
    public static double softmaxCrossEntropy(INDArray logits, INDArray labels, INDArray gradLogits) {
        int n = (int) logits.size(0);
        int k = (int) logits.size(1);
        if (gradLogits.rank() != 2 || gradLogits.size(0) != n || gradLogits.size(1) != k) {
            throw new IllegalArgumentException("gradLogits must have shape [" + n + ", " + k + "], got "
                    + Arrays.toString(gradLogits.shape()));
        }
        double[] z = new double[n * k];
        double[] t = new double[n * k];
        SmallArrays.readMatrix(logits, n, k, "logits", z);
        SmallArrays.readMatrix(labels, n, k, "labels", t);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int row = i * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[row + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[row + j] - max);
            }
            double logSum = max + Math.log(sum);
            for (int j = 0; j < k; j++) {
                double logP = z[row + j] - logSum;
                loss -= t[row + j] * logP;
                z[row + j] = (Math.exp(logP) - t[row + j]) / n;
            }
        }
        SmallArrays.writeMatrix(z, gradLogits);
        return loss / n;
    }

    /**
     * c = op(a) op(b), or c += op(a) op(b) when {@code accumulate}; all three are matrices. Through the "matmul" op:
     * Nd4j.gemm refuses an output that is a view.
     */
    public void gemm(INDArray a, INDArray b, boolean transposeA, boolean transposeB, boolean accumulate, INDArray c) {
        exec("matmul", a.length() * c.size(c.rank() - 1), new INDArray[] {a, b}, new INDArray[] {c},
                new int[] {transposeA ? 1 : 0, transposeB ? 1 : 0, 0}, 1.0, accumulate ? 1.0 : 0.0);
    }

    private static int[] convArgs(INDArray w, int[] stride, int[] padding) {
        if (w.rank() != 5) {
            throw new IllegalArgumentException("conv3d weights must be [kD, kH, kW, iC, oC], got "
                    + Arrays.toString(w.shape()));
        }
        return new int[] {(int) w.size(0), (int) w.size(1), (int) w.size(2), stride[0], stride[1], stride[2],
                padding[0], padding[1], padding[2], 1, 1, 1, 0, NCDHW};
    }

    /** Multiply-adds of a convolution with weights {@code w} [kD, kH, kW, iC, oC] and output {@code y}. */
    private static long convWork(INDArray w, INDArray y) {
        return y.length() * (w.length() / w.size(4));
    }

    private static long poolWork(INDArray x, int[] kernel) {
        return x.length() * kernel[0] * kernel[1] * kernel[2];
    }

    private static int[] poolArgs(int[] kernel, int[] stride, int[] padding, int extra) {
        return new int[] {kernel[0], kernel[1], kernel[2], stride[0], stride[1], stride[2],
                padding[0], padding[1], padding[2], 1, 1, 1, 0, extra, NCDHW};
    }

    /** Sets the calling thread's OpenMP threads for an op of {@code work} multiply-adds (as the ops here do). */
    static int useThreadsFor(long work) {
        int threads = threadsFor(work);
        useThreads(threads);
        return threads;
    }

    private void exec(String op, long work, INDArray[] in, INDArray[] out, int[] iArgs, double... tArgs) {
        useThreads(threadsFor(work));
        Context c = contexts.computeIfAbsent(new Call(op, iArgs == null ? new int[0] : iArgs, tArgs), Context::new);
        c.run(in, out);
    }

    /**
     * Sets the calling thread's OpenMP thread count, which then also holds for its other ND4J work until an op of
     * more work sets it again. Setting it back after every small op made the example's training step 40 % slower:
     * the ND4J ops between (updates, copies) are small too and also run better on one thread.
     */
    private static void useThreads(int threads) {
        int[] current = CURRENT.get();
        if (current[0] != threads) {
            NATIVE.setOmpNumThreads(threads);
            current[0] = threads;
        }
    }

    /** An op with its integer and floating-point arguments. */
    private record Call(String op, int[] iArgs, double[] tArgs) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Call c && op.equals(c.op) && Arrays.equals(iArgs, c.iArgs)
                    && Arrays.equals(tArgs, c.tArgs);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * op.hashCode() + Arrays.hashCode(iArgs)) + Arrays.hashCode(tArgs);
        }

        @Override
        public String toString() {
            return op + Arrays.toString(iArgs) + Arrays.toString(tArgs);
        }
    }

    /** A native context for one {@link Call}, and the arrays it was last given. */
    private static final class Context {
        private final DynamicCustomOp op;
        private final OpContext context;
        private INDArray[] in = new INDArray[0];
        private INDArray[] out = new INDArray[0];

        Context(Call call) {
            op = DynamicCustomOp.builder(call.op()).build();
            context = Nd4j.getExecutioner().buildContext();
            context.setIArguments(Arrays.stream(call.iArgs()).asLongStream().toArray());
            if (call.tArgs().length > 0) {
                context.setTArguments(call.tArgs());
            }
        }

        void run(INDArray[] inputs, INDArray[] outputs) {
            in = update(in, inputs, true);
            out = update(out, outputs, false);
            Nd4j.getExecutioner().exec(op, context);
        }

        /** Sets the slots whose array is not the one already set (the same object means the same memory and shape). */
        private INDArray[] update(INDArray[] current, INDArray[] given, boolean input) {
            if (current.length != given.length) {
                current = new INDArray[given.length];
            }
            for (int i = 0; i < given.length; i++) {
                if (current[i] != given[i]) {
                    if (input) {
                        context.setInputArray(i, given[i]);
                    } else {
                        context.setOutputArray(i, given[i]);
                    }
                    current[i] = given[i];
                }
            }
            return current;
        }
    }
}
