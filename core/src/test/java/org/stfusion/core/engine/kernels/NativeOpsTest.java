package org.stfusion.core.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.stfusion.core.engine.kernels.Arrays5.assertClose;
import static org.stfusion.core.engine.kernels.Arrays5.assertPaddingUntouched;
import static org.stfusion.core.engine.kernels.Arrays5.gaussian;
import static org.stfusion.core.engine.kernels.Arrays5.output;
import static org.stfusion.core.engine.kernels.Arrays5.place;
import static org.stfusion.core.engine.kernels.Arrays5.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.kernels.NaiveOps.Geometry;

class NativeOpsTest {

    /** One instance for every test, as an executor keeps one: its contexts are reused with other arrays. */
    private static final NativeOps OPS = new NativeOps();

    private static final int N = 2;
    private static final int IN_C = 3;
    private static final int OUT_C = 4;
    private static final int[] IN = {4, 5, 6};

    /** Kernel, stride and padding of the layer kinds the networks use. */
    private static final int[][][] CONVS = {
            {{3, 3, 3}, {1, 1, 1}, {1, 1, 1}},
            {{1, 3, 3}, {1, 2, 2}, {0, 1, 1}},
            {{3, 1, 1}, {1, 1, 1}, {1, 0, 0}},
            {{1, 1, 1}, {1, 1, 1}, {0, 0, 0}},
    };
    private static final int[][][] POOLS = {
            {{1, 3, 3}, {1, 2, 2}, {0, 1, 1}},
            {{2, 2, 2}, {2, 2, 2}, {1, 1, 1}},
            {{3, 3, 3}, {1, 1, 1}, {1, 1, 1}},
            {{2, 2, 2}, {2, 2, 2}, {0, 0, 0}},
    };

    private static double tolerance(DataType type) {
        return type == DataType.FLOAT ? 1e-5 : 1e-10;
    }

    static Stream<Arguments> layouts() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int g = 0; g < 4; g++) {
                for (boolean inView : new boolean[] {false, true}) {
                    for (boolean outView : new boolean[] {false, true}) {
                        cases.add(Arguments.of(type, g, inView, outView));
                    }
                }
            }
        }
        return cases.stream();
    }

    private static long[] shape(int n, int c, int[] s) {
        return new long[] {n, c, s[0], s[1], s[2]};
    }

    /** A contiguous array at an offset inside a larger flat buffer, as parameters in one flat vector are. */
    private static INDArray offsetView(double[] data, long[] shape, DataType type) {
        INDArray flat = Nd4j.valueArrayOf(new long[] {data.length + 9L}, Arrays5.GARBAGE, type);
        INDArray v = flat.get(interval(5, 5 + data.length)).reshape('c', shape);
        v.assign(Nd4j.create(data, shape, 'c').castTo(type));
        return v;
    }

    /** Content for outputs that must be overwritten, not accumulated into. */
    private static double[] garbage(int n) {
        double[] g = new double[n];
        java.util.Arrays.fill(g, Arrays5.GARBAGE);
        return g;
    }

    @ParameterizedTest(name = "{0} geometry {1} inView={2} outView={3}")
    @MethodSource("layouts")
    void conv3dForwardAndBackward(DataType type, int geometry, boolean inView, boolean outView) {
        int[][] spec = CONVS[geometry];
        Geometry g = new Geometry(N, IN_C, IN, spec[0], spec[1], spec[2]);
        Random rnd = new Random(100 + geometry);
        double[] x = gaussian(rnd, N * IN_C * g.inSize(), 0, 1);
        long[] wShape = {spec[0][0], spec[0][1], spec[0][2], IN_C, OUT_C};
        double[] w = gaussian(rnd, NaiveOps.volume(spec[0]) * IN_C * OUT_C, 0, 0.3);
        double[] gy = gaussian(rnd, N * OUT_C * g.outSize(), 0, 1);

        INDArray xa = place(x, shape(N, IN_C, IN), type, inView);
        INDArray wa = offsetView(w, wShape, type);
        INDArray y = output(null, shape(N, OUT_C, g.outShape()), type, outView);
        OPS.conv3d(xa, wa, spec[1], spec[2], y);
        assertClose(NaiveOps.conv3d(x, w, g, OUT_C), y, tolerance(type), "y");
        assertPaddingUntouched(y);

        INDArray gya = place(gy, shape(N, OUT_C, g.outShape()), type, inView);
        INDArray gx = output(null, shape(N, IN_C, IN), type, outView);
        INDArray gw = offsetView(garbage(w.length), wShape, type);
        OPS.conv3dBackward(xa, wa, gya, spec[1], spec[2], gx, gw);
        assertClose(NaiveOps.conv3dGradInput(w, gy, g, OUT_C), gx, tolerance(type), "gradX");
        assertClose(NaiveOps.conv3dGradWeight(x, gy, g, OUT_C), gw, tolerance(type), "gradW");
        assertPaddingUntouched(gx);
        assertPaddingUntouched(xa);
        assertPaddingUntouched(gya);
    }

    @ParameterizedTest(name = "{0} geometry {1} inView={2} outView={3}")
    @MethodSource("layouts")
    void maxPool3dForwardAndBackward(DataType type, int geometry, boolean inView, boolean outView) {
        int[][] spec = POOLS[geometry];
        Geometry g = new Geometry(N, IN_C, IN, spec[0], spec[1], spec[2]);
        Random rnd = new Random(200 + geometry);
        double[] x = gaussian(rnd, N * IN_C * g.inSize(), 0, 1);
        double[] gy = gaussian(rnd, N * IN_C * g.outSize(), 0, 1);
        INDArray xa = place(x, shape(N, IN_C, IN), type, inView);
        INDArray y = output(null, shape(N, IN_C, g.outShape()), type, outView);
        OPS.maxPool3d(xa, spec[0], spec[1], spec[2], y);
        assertClose(NaiveOps.maxPool(x, g), y, tolerance(type), "y");
        assertPaddingUntouched(y);

        INDArray gx = output(null, shape(N, IN_C, IN), type, outView);
        OPS.maxPool3dBackward(xa, place(gy, shape(N, IN_C, g.outShape()), type, inView), spec[0], spec[1],
                spec[2], gx);
        assertClose(NaiveOps.maxPoolGrad(x, gy, g), gx, tolerance(type), "gradX");
        assertPaddingUntouched(gx);
    }

    @ParameterizedTest(name = "{0} geometry {1} inView={2} outView={3}")
    @MethodSource("layouts")
    void avgPool3dExcludesPaddingForwardAndBackward(DataType type, int geometry, boolean inView, boolean outView) {
        int[][] spec = POOLS[geometry];
        Geometry g = new Geometry(N, IN_C, IN, spec[0], spec[1], spec[2]);
        Random rnd = new Random(300 + geometry);
        double[] x = gaussian(rnd, N * IN_C * g.inSize(), 0, 1);
        double[] gy = gaussian(rnd, N * IN_C * g.outSize(), 0, 1);
        INDArray xa = place(x, shape(N, IN_C, IN), type, inView);
        INDArray y = output(null, shape(N, IN_C, g.outShape()), type, outView);
        OPS.avgPool3d(xa, spec[0], spec[1], spec[2], y);
        assertClose(NaiveOps.avgPool(x, g), y, tolerance(type), "y");
        assertPaddingUntouched(y);

        INDArray gx = output(null, shape(N, IN_C, IN), type, outView);
        OPS.avgPool3dBackward(xa, place(gy, shape(N, IN_C, g.outShape()), type, inView), spec[0], spec[1],
                spec[2], gx);
        assertClose(NaiveOps.avgPoolGrad(gy, g), gx, tolerance(type), "gradX");
        assertPaddingUntouched(gx);
    }

    static Stream<Arguments> elementwiseLayouts() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean view : new boolean[] {false, true}) {
                cases.add(Arguments.of(type, view));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} view={1}")
    @MethodSource("elementwiseLayouts")
    void linearForwardAndBackward(DataType type, boolean view) {
        int n = 4;
        int c = 6;
        int k = 5;
        Random rnd = new Random(400);
        double[] x = gaussian(rnd, n * c, 0, 1);
        double[] w = gaussian(rnd, c * k, 0, 1);
        double[] b = gaussian(rnd, k, 0, 1);
        double[] gy = gaussian(rnd, n * k, 0, 1);
        INDArray xa = place(x, new long[] {n, c}, type, view);
        INDArray wa = offsetView(w, new long[] {c, k}, type);
        INDArray y = output(null, new long[] {n, k}, type, view);
        OPS.linear(xa, wa, offsetView(b, new long[] {k}, type), y);
        double[] expected = NaiveOps.matmul(x, w, n, c, k, false, false);
        for (int i = 0; i < n * k; i++) {
            expected[i] += b[i % k];
        }
        assertClose(expected, y, tolerance(type), "y");
        assertPaddingUntouched(y);

        INDArray gx = output(null, new long[] {n, c}, type, view);
        INDArray gw = offsetView(garbage(c * k), new long[] {c, k}, type);
        INDArray gb = offsetView(garbage(k), new long[] {k}, type);
        OPS.linearBackward(xa, wa, place(gy, new long[] {n, k}, type, view), gx, gw, gb);
        assertClose(NaiveOps.matmul(gy, w, n, k, c, false, true), gx, tolerance(type), "gradX");
        assertClose(NaiveOps.matmul(x, gy, c, n, k, true, false), gw, tolerance(type), "gradW");
        double[] sums = new double[k];
        for (int i = 0; i < n * k; i++) {
            sums[i % k] += gy[i];
        }
        assertClose(sums, gb, tolerance(type), "gradBias");
        assertPaddingUntouched(gx);
    }

    @ParameterizedTest(name = "{0} view={1}")
    @MethodSource("elementwiseLayouts")
    void elementwiseOpsInPlace(DataType type, boolean view) {
        long[] s = shape(N, IN_C, IN);
        int size = N * IN_C * NaiveOps.volume(IN);
        Random rnd = new Random(500);
        double[] x = gaussian(rnd, size, 0, 1);
        double[] g = gaussian(rnd, size, 0, 1);
        double[] other = gaussian(rnd, size, 0, 1);

        INDArray a = place(x, s, type, view);
        OPS.relu(a);
        double[] expected = new double[size];
        for (int i = 0; i < size; i++) {
            expected[i] = Math.max(x[i], 0);
        }
        assertClose(expected, a, tolerance(type), "relu");

        INDArray grad = place(g, s, type, view);
        OPS.reluBackward(place(x, s, type, view), grad);
        for (int i = 0; i < size; i++) {
            expected[i] = x[i] > 0 ? g[i] : 0;
        }
        assertClose(expected, grad, tolerance(type), "relu backward");
        OPS.reluBackward(a, grad);
        assertClose(expected, grad, tolerance(type), "relu backward from the output");

        INDArray sum = place(x, s, type, view);
        NativeOps.addInPlace(sum, place(other, s, type, !view));
        for (int i = 0; i < size; i++) {
            expected[i] = x[i] + other[i];
        }
        assertClose(expected, sum, tolerance(type), "add");

        NativeOps.zero(sum);
        assertClose(new double[size], sum, 0, "zero");
        for (INDArray v : new INDArray[] {a, grad, sum}) {
            assertPaddingUntouched(v);
        }
    }

    @Test
    void softmaxCrossEntropyLossAndGradient() {
        int n = 3;
        int k = 4;
        double[] z = {1, 2, 3, 4, -1, 0, 1, 0.5, 100, 101, 99, 100};
        int[] label = {3, 0, 1};
        double[] t = new double[n * k];
        for (int i = 0; i < n; i++) {
            t[i * k + label[i]] = 1;
        }
        INDArray logits = place(z, new long[] {n, k}, DataType.FLOAT, true);
        INDArray grad = Nd4j.zeros(DataType.FLOAT, n, k);
        double loss = NativeOps.softmaxCrossEntropy(logits, Nd4j.create(t, new long[] {n, k}, 'c'), grad);
        double expectedLoss = 0;
        double[] expectedGrad = new double[n * k];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[i * k + j] - 101);
            }
            for (int j = 0; j < k; j++) {
                double p = Math.exp(z[i * k + j] - 101) / sum;
                expectedGrad[i * k + j] = (p - t[i * k + j]) / n;
            }
            expectedLoss -= (z[i * k + label[i]] - 101 - Math.log(sum)) / n;
        }
        assertEquals(expectedLoss, loss, 1e-12);
        assertClose(expectedGrad, grad, 1e-6, "dLogits");
        assertTrue(values(grad).length == n * k);
    }

    @Test
    void smallOpsRunOnOneThreadAndLargeOnesOnEveryCore() {
        assertEquals(1, NativeOps.threadsFor(0));
        assertEquals(1, NativeOps.threadsFor(2 * NativeOps.WORK_PER_THREAD - 1));
        int cores = NativeOps.maxThreads();
        assertTrue(cores >= 1);
        assertEquals(cores, NativeOps.threadsFor(Long.MAX_VALUE));
        assertEquals(Math.min(2, cores), NativeOps.threadsFor(2 * NativeOps.WORK_PER_THREAD));

        // A small op runs on one OpenMP thread, a large one on every core again.
        var omp = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        NativeOps ops = new NativeOps();
        int[] one = {1, 1, 1};
        ops.conv3d(Nd4j.rand(DataType.FLOAT, 1, 2, 2, 3, 3), Nd4j.rand(DataType.FLOAT, 1, 1, 1, 2, 2), one,
                new int[] {0, 0, 0}, Nd4j.create(DataType.FLOAT, 1, 2, 2, 3, 3));
        assertEquals(1, omp.ompGetMaxThreads());
        ops.conv3d(Nd4j.rand(DataType.FLOAT, 1, 16, 8, 32, 32), Nd4j.rand(DataType.FLOAT, 3, 3, 3, 16, 16), one, one,
                Nd4j.create(DataType.FLOAT, 1, 16, 8, 32, 32)); // 56 M multiply-adds
        assertEquals(cores, omp.ompGetMaxThreads());
    }

    @Test
    void aReusedContextFollowsNewArraysAndNewContents() {
        int[][] spec = CONVS[0];
        Geometry g = new Geometry(N, IN_C, IN, spec[0], spec[1], spec[2]);
        Random rnd = new Random(7);
        double[] w = gaussian(rnd, NaiveOps.volume(spec[0]) * IN_C * OUT_C, 0, 0.3);
        INDArray wa = offsetView(w, new long[] {spec[0][0], spec[0][1], spec[0][2], IN_C, OUT_C}, DataType.DOUBLE);
        NativeOps ops = new NativeOps();
        INDArray xa = place(gaussian(rnd, N * IN_C * g.inSize(), 0, 1), shape(N, IN_C, IN), DataType.DOUBLE, false);
        INDArray xb = place(gaussian(rnd, N * IN_C * g.inSize(), 0, 1), shape(N, IN_C, IN), DataType.DOUBLE, true);
        INDArray ya = output(null, shape(N, OUT_C, g.outShape()), DataType.DOUBLE, false);
        INDArray yb = output(null, shape(N, OUT_C, g.outShape()), DataType.DOUBLE, true);
        for (int round = 0; round < 3; round++) {
            ops.conv3d(xa, wa, spec[1], spec[2], ya);
            ops.conv3d(xb, wa, spec[1], spec[2], yb);
            assertClose(NaiveOps.conv3d(values(xa), w, g, OUT_C), ya, 1e-9, "y of a, round " + round);
            assertClose(NaiveOps.conv3d(values(xb), w, g, OUT_C), yb, 1e-9, "y of b, round " + round);
            xa.muli(-0.5); // same array, new contents
        }
    }
}
