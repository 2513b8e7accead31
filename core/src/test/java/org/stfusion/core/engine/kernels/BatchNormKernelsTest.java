package org.stfusion.core.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.core.engine.kernels.Arrays5.assertClose;
import static org.stfusion.core.engine.kernels.Arrays5.assertPaddingUntouched;
import static org.stfusion.core.engine.kernels.Arrays5.gaussian;
import static org.stfusion.core.engine.kernels.Arrays5.output;
import static org.stfusion.core.engine.kernels.Arrays5.place;
import static org.stfusion.core.engine.kernels.Arrays5.stridedVector;
import static org.stfusion.core.engine.kernels.Arrays5.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.kernels.BatchNormKernels.Branch;

class BatchNormKernelsTest {

    private static final double EPS = 1e-5;
    private static final long[] SHAPE = {3, 5, 2, 3, 7};
    /** Runs longer than one chunk, with a partial last chunk. */
    private static final long[] LONG_RUN_SHAPE = {2, 3, 2, 20, 31};

    private static double tolerance(DataType type) {
        return type == DataType.FLOAT ? 1e-5 : 1e-10;
    }

    static Stream<Arguments> forwardCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean view : new boolean[] {false, true}) {
                for (boolean relu : new boolean[] {false, true}) {
                    for (boolean scaled : new boolean[] {false, true}) {
                        cases.add(Arguments.of(type, view, relu, scaled));
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> backwardCases() {
        List<Arguments> cases = new ArrayList<>();
        forwardCases().forEach(f -> {
            for (int branches = 1; branches <= 2; branches++) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    Object[] a = f.get();
                    cases.add(Arguments.of(a[0], a[1], a[2], a[3], branches, accumulate));
                }
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} view={1} relu={2} scale={3}")
    @MethodSource("forwardCases")
    void forwardMatchesReference(DataType type, boolean view, boolean relu, boolean scaled) {
        checkForward(SHAPE, type, view, relu, scaled, 11);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void forwardOverSeveralChunks(DataType type) {
        checkForward(LONG_RUN_SHAPE, type, true, true, true, 12);
    }

    @ParameterizedTest(name = "{0} view={1} relu={2} scale={3} branches={4} accumulate={5}")
    @MethodSource("backwardCases")
    void backwardMatchesReference(DataType type, boolean view, boolean relu, boolean scaled, int branches,
                                  boolean accumulate) {
        checkBackward(SHAPE, type, view, relu, scaled, branches, accumulate, 21);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void backwardOverSeveralChunks(DataType type) {
        checkBackward(LONG_RUN_SHAPE, type, true, true, true, 2, true, 22);
    }

    @Test
    void rankTwoInputHasRunsOfOne() {
        checkForward(new long[] {6, 4}, DataType.FLOAT, false, true, true, 31);
        checkBackward(new long[] {6, 4}, DataType.FLOAT, false, true, true, 2, false, 32);
    }

    @Test
    void viewOfAViewIsAddressedLikeItsCopy() {
        long[] blockShape = {2, 9, 2, 3, 4};
        INDArray block = place(gaussian(new Random(81), 2 * 9 * 24, 1, 1), blockShape, DataType.FLOAT, false);
        INDArray view = block.get(Arrays5.channelSlice(5, 2, 9)).get(Arrays5.channelSlice(5, 1, 5));
        INDArray copy = view.dup('c');
        INDArray[] mean = {Nd4j.zeros(DataType.FLOAT, 4), Nd4j.zeros(DataType.FLOAT, 4)};
        INDArray[] var = {Nd4j.zeros(DataType.FLOAT, 4), Nd4j.zeros(DataType.FLOAT, 4)};
        BatchNormKernels.statistics(view, mean[0], var[0]);
        BatchNormKernels.statistics(copy, mean[1], var[1]);
        assertClose(values(mean[1]), mean[0], 0, "mean");
        assertClose(values(var[1]), var[0], 0, "var");
    }

    @Test
    void normalizeInPlace() {
        Random rnd = new Random(71);
        int c = (int) SHAPE[1];
        double[] x = gaussian(rnd, 3 * 5 * 42, 1, 2);
        INDArray inPlace = place(x, SHAPE, DataType.DOUBLE, true);
        INDArray separate = place(x, SHAPE, DataType.DOUBLE, false);
        INDArray mean = Nd4j.zeros(DataType.DOUBLE, c);
        INDArray var = Nd4j.zeros(DataType.DOUBLE, c);
        INDArray gamma = vec(gaussian(rnd, c, 1, 0.5), DataType.DOUBLE);
        INDArray beta = vec(gaussian(rnd, c, 0, 0.5), DataType.DOUBLE);
        BatchNormKernels.statistics(separate, mean, var);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, SHAPE);
        BatchNormKernels.normalize(separate, mean, var, gamma, beta, EPS, true, null, y);
        BatchNormKernels.normalize(inPlace, mean, var, gamma, beta, EPS, true, null, inPlace);
        assertClose(values(y), inPlace, 0, "in place");
        assertPaddingUntouched(inPlace);
    }

    @Test
    void backwardInPlaceOverAGradient() {
        Random rnd = new Random(72);
        int n = (int) SHAPE[0];
        int c = (int) SHAPE[1];
        DataType t = DataType.FLOAT;
        INDArray x = place(gaussian(rnd, 3 * 5 * 42, 1, 2), SHAPE, t, true);
        INDArray mean = Nd4j.zeros(t, c);
        INDArray var = Nd4j.zeros(t, c);
        BatchNormKernels.statistics(x, mean, var);
        double[] g0 = gaussian(rnd, 3 * 5 * 42, 0, 1);
        double[] g1 = gaussian(rnd, 3 * 5 * 42, 0, 1);
        INDArray gamma = vec(gaussian(rnd, c, 1, 0.5), t);
        INDArray beta = vec(gaussian(rnd, c, 0, 0.5), t);
        INDArray gate = Nd4j.create(uniform(rnd, n * c), new long[] {n, c}, 'c').castTo(t);
        INDArray[] dx = new INDArray[2];
        for (int inPlace = 0; inPlace < 2; inPlace++) {
            INDArray gradY0 = place(g0, SHAPE, t, true);
            dx[inPlace] = inPlace == 1 ? gradY0 : Nd4j.zeros(t, SHAPE);
            BatchNormKernels.backward(x, mean, var, EPS, dx[inPlace], false,
                    new Branch(gamma, beta, true, gate, gradY0, Nd4j.zeros(t, c), Nd4j.zeros(t, c), null),
                    new Branch(beta, gamma, false, null, place(g1, SHAPE, t, false), Nd4j.zeros(t, c),
                            Nd4j.zeros(t, c), null));
        }
        assertClose(values(dx[0]), dx[1], 0, "dx written over gradY");
        assertPaddingUntouched(dx[1]);
    }

    @Test
    void scaleGradientWithoutGate() {
        Random rnd = new Random(41);
        long[] shape = SHAPE;
        int n = (int) shape[0];
        int c = (int) shape[1];
        int run = (int) (shape[2] * shape[3] * shape[4]);
        BatchNormReference ref = new BatchNormReference(n, c, run);
        double[] x = gaussian(rnd, n * c * run, 1, 2);
        double[] mean = ref.mean(x);
        double[] var = ref.variance(x, mean);
        double[] gamma = gaussian(rnd, c, 1, 0.5);
        double[] beta = gaussian(rnd, c, 0, 0.5);
        double[] gradY = gaussian(rnd, x.length, 0, 1);
        double[] dx = new double[x.length];
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        double[] dScale = new double[n * c];
        ref.backward(x, mean, var, gamma, beta, EPS, true, null, gradY, dx, dGamma, dBeta, dScale);

        DataType t = DataType.DOUBLE;
        INDArray dScaleOut = Nd4j.zeros(t, n, c);
        INDArray dxOut = Nd4j.zeros(t, shape);
        BatchNormKernels.backward(place(x, shape, t, false), vec(mean, t), vec(var, t), EPS, dxOut, false,
                new Branch(vec(gamma, t), vec(beta, t), true, null, place(gradY, shape, t, false),
                        Nd4j.zeros(t, c), Nd4j.zeros(t, c), dScaleOut));
        assertClose(dScale, dScaleOut, 1e-10, "dScale");
        assertClose(dx, dxOut, 1e-10, "dx");
    }

    @Test
    void floatStatisticsAreAccurateOverTwoMillionValues() {
        long[] shape = {4, 2, 500, 1000};
        int perChannel = 500 * 1000;
        Random rnd = new Random(51);
        double[] x = new double[4 * 2 * perChannel];
        for (int n = 0; n < 4; n++) {
            for (int i = 0; i < perChannel; i++) {
                x[(n * 2) * perChannel + i] = 3 + rnd.nextGaussian();
                x[(n * 2 + 1) * perChannel + i] = 1000 + 0.01 * rnd.nextGaussian();
            }
        }
        INDArray xf = place(x, shape, DataType.FLOAT, false);
        BatchNormReference ref = new BatchNormReference(4, 2, perChannel);
        double[] xr = values(xf);
        double[] mean = ref.mean(xr);
        double[] var = ref.variance(xr, mean);
        INDArray m = Nd4j.zeros(DataType.DOUBLE, 2);
        INDArray v = Nd4j.zeros(DataType.DOUBLE, 2);
        BatchNormKernels.statistics(xf, m, v);
        for (int c = 0; c < 2; c++) {
            assertEquals(mean[c], m.getDouble(c), 1e-6 * Math.sqrt(var[c]), "mean " + c);
            assertEquals(var[c], v.getDouble(c), 1e-5 * var[c], "var " + c);
        }
    }

    @Test
    void doubleBackwardMatchesFiniteDifferences() {
        long[] shape = {2, 2, 1, 2, 3};
        int n = 2;
        int c = 2;
        Random rnd = new Random(61);
        int size = 24;
        DataType t = DataType.DOUBLE;
        double[] x = gaussian(rnd, size, 0.3, 1.5);
        boolean[] relu = {true, false};
        double[][] gamma = {gaussian(rnd, c, 1, 0.3), gaussian(rnd, c, 1, 0.3)};
        double[][] beta = {gaussian(rnd, c, 0.1, 0.3), gaussian(rnd, c, 0, 0.3)};
        double[][] scale = {uniform(rnd, n * c), null};
        double[][] gradY = {gaussian(rnd, size, 0, 1), gaussian(rnd, size, 0, 1)};

        INDArray xa = place(x, shape, t, false);
        INDArray mean = Nd4j.zeros(t, c);
        INDArray var = Nd4j.zeros(t, c);
        BatchNormKernels.statistics(xa, mean, var);
        INDArray dx = Nd4j.zeros(t, shape);
        Branch[] branches = new Branch[2];
        for (int b = 0; b < 2; b++) {
            branches[b] = new Branch(vec(gamma[b], t), vec(beta[b], t), relu[b],
                    scale[b] == null ? null : Nd4j.create(scale[b], new long[] {n, c}, 'c'),
                    place(gradY[b], shape, t, false), Nd4j.zeros(t, c), Nd4j.zeros(t, c),
                    scale[b] == null ? null : Nd4j.zeros(t, n, c));
        }
        BatchNormKernels.backward(xa, mean, var, EPS, dx, false, branches);

        Loss loss = () -> {
            double total = 0;
            for (int b = 0; b < 2; b++) {
                INDArray m = Nd4j.zeros(t, c);
                INDArray v = Nd4j.zeros(t, c);
                BatchNormKernels.statistics(place(x, shape, t, false), m, v);
                INDArray y = Nd4j.zeros(t, shape);
                BatchNormKernels.normalize(place(x, shape, t, false), m, v, vec(gamma[b], t), vec(beta[b], t), EPS,
                        relu[b], scale[b] == null ? null : Nd4j.create(scale[b], new long[] {n, c}, 'c'), y);
                double[] yv = values(y);
                for (int i = 0; i < size; i++) {
                    total += gradY[b][i] * yv[i];
                }
            }
            return total;
        };
        assertClose(numericGradient(loss, x), dx, 1e-7, "dx");
        for (int b = 0; b < 2; b++) {
            assertClose(numericGradient(loss, gamma[b]), branches[b].dGamma(), 1e-7, "dGamma" + b);
            assertClose(numericGradient(loss, beta[b]), branches[b].dBeta(), 1e-7, "dBeta" + b);
        }
        assertClose(numericGradient(loss, scale[0]), branches[0].dScale(), 1e-7, "dScale0");
    }

    @Test
    void rejectsMismatchedArrays() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, 3, 4);
        INDArray c3 = Nd4j.zeros(DataType.FLOAT, 3);
        assertThrows(IllegalArgumentException.class, () -> BatchNormKernels.statistics(x, Nd4j.zeros(DataType.FLOAT, 2), c3));
        assertThrows(IllegalArgumentException.class, () -> BatchNormKernels.normalize(x, c3, c3, c3, c3, EPS, true, null,
                Nd4j.zeros(DataType.DOUBLE, 2, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> BatchNormKernels.normalize(x, c3, c3, c3, c3, EPS, true,
                Nd4j.zeros(DataType.FLOAT, 3, 2), Nd4j.zeros(DataType.FLOAT, 2, 3, 4)));
        INDArray notDense = Nd4j.zeros(DataType.FLOAT, 2, 3, 4, 5).permute(0, 1, 3, 2);
        assertThrows(IllegalArgumentException.class, () -> BatchNormKernels.statistics(notDense, c3, c3));
    }

    private interface Loss {
        double value();
    }

    /** Central differences of {@code loss} with respect to each element of {@code p} (changed in place). */
    private static double[] numericGradient(Loss loss, double[] p) {
        double h = 1e-5;
        double[] grad = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            double up = loss.value();
            p[i] = keep - h;
            double down = loss.value();
            p[i] = keep;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    private static double[] uniform(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.25 + 1.5 * rnd.nextDouble();
        }
        return v;
    }

    private static INDArray vec(double[] v, DataType type) {
        return Nd4j.create(v, new long[] {v.length}, 'c').castTo(type);
    }

    private static void checkForward(long[] shape, DataType type, boolean view, boolean relu, boolean scaled,
                                     long seed) {
        Random rnd = new Random(seed);
        int n = (int) shape[0];
        int c = (int) shape[1];
        int size = 1;
        for (long s : shape) {
            size *= (int) s;
        }
        BatchNormReference ref = new BatchNormReference(n, c, size / (n * c));
        INDArray x = place(gaussian(rnd, size, 2, 3), shape, type, view);
        double[] xv = values(x);
        double[] gamma = gaussian(rnd, c, 1, 0.5);
        double[] beta = gaussian(rnd, c, 0.2, 0.5);
        double[] scale = scaled ? uniform(rnd, n * c) : null;

        INDArray mean = view ? stridedVector(new double[c], type) : Nd4j.zeros(type, c);
        INDArray var = view ? stridedVector(new double[c], type) : Nd4j.zeros(type, c);
        BatchNormKernels.statistics(x, mean, var);
        double[] refMean = ref.mean(xv);
        double[] refVar = ref.variance(xv, refMean);
        assertClose(refMean, mean, tolerance(type), "mean");
        assertClose(refVar, var, tolerance(type), "var");

        INDArray y = output(null, shape, type, view);
        INDArray gammaA = view ? stridedVector(gamma, type) : vec(gamma, type);
        INDArray scaleA = scaled ? Nd4j.create(scale, new long[] {n, c}, 'c').castTo(type) : null;
        BatchNormKernels.normalize(x, mean, var, gammaA, vec(beta, type), EPS, relu, scaleA, y);
        // The reference normalises with the statistics the kernel produced, rounded as stored.
        double[] expected = ref.forward(xv, values(mean), values(var), values(gammaA), values(vec(beta, type)), EPS,
                relu, scaleA == null ? null : values(scaleA));
        assertClose(expected, y, tolerance(type), "y");
        assertPaddingUntouched(y);
        assertPaddingUntouched(x);
    }

    private static void checkBackward(long[] shape, DataType type, boolean view, boolean relu, boolean scaled,
                                      int branchCount, boolean accumulate, long seed) {
        Random rnd = new Random(seed);
        int n = (int) shape[0];
        int c = (int) shape[1];
        int size = 1;
        for (long s : shape) {
            size *= (int) s;
        }
        BatchNormReference ref = new BatchNormReference(n, c, size / (n * c));
        INDArray x = place(gaussian(rnd, size, -1, 2), shape, type, view);
        double[] xv = values(x);
        double[] mean = ref.mean(xv);
        double[] var = ref.variance(xv, mean);
        INDArray meanA = vec(mean, type);
        INDArray varA = vec(var, type);
        mean = values(meanA);
        var = values(varA);

        double[] oldDx = accumulate ? gaussian(rnd, size, 0, 1) : null;
        INDArray dx = output(oldDx, shape, type, view);
        double[] expectedDx = accumulate ? values(dx) : new double[size];
        Branch[] branches = new Branch[branchCount];
        double[][] expectedDGamma = new double[branchCount][c];
        double[][] expectedDBeta = new double[branchCount][c];
        double[][] expectedDScale = new double[branchCount][];
        for (int b = 0; b < branchCount; b++) {
            // The second branch flips relu and gate, so two branches always mix both kinds.
            boolean r = b == 0 ? relu : !relu;
            boolean s = b == 0 ? scaled : !scaled;
            INDArray gamma = view ? stridedVector(gaussian(rnd, c, 1, 0.5), type) : vec(gaussian(rnd, c, 1, 0.5), type);
            INDArray beta = vec(gaussian(rnd, c, 0.3, 0.5), type);
            INDArray scale = s ? Nd4j.create(uniform(rnd, n * c), new long[] {n, c}, 'c').castTo(type) : null;
            INDArray gradY = place(gaussian(rnd, size, 0, 1), shape, type, view);
            INDArray dScale = s ? Nd4j.valueArrayOf(new long[] {n, c}, Arrays5.GARBAGE, type) : null;
            branches[b] = new Branch(gamma, beta, r, scale, gradY, Nd4j.zeros(type, c), Nd4j.zeros(type, c), dScale);
            expectedDScale[b] = s ? new double[n * c] : null;
            ref.backward(xv, mean, var, values(gamma), values(beta), EPS, r, s ? values(scale) : null, values(gradY),
                    expectedDx, expectedDGamma[b], expectedDBeta[b], expectedDScale[b]);
        }

        BatchNormKernels.backward(x, meanA, varA, EPS, dx, accumulate, branches);

        double tol = tolerance(type);
        assertClose(expectedDx, dx, tol, "dx");
        assertPaddingUntouched(dx);
        for (int b = 0; b < branchCount; b++) {
            assertClose(expectedDGamma[b], branches[b].dGamma(), tol, "dGamma" + b);
            assertClose(expectedDBeta[b], branches[b].dBeta(), tol, "dBeta" + b);
            if (expectedDScale[b] != null) {
                assertClose(expectedDScale[b], branches[b].dScale(), tol, "dScale" + b);
            }
            assertPaddingUntouched(branches[b].gradY());
        }
        assertTrue(values(x).length == size);
    }
}
