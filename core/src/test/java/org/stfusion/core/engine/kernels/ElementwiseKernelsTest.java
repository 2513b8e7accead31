package org.stfusion.core.engine.kernels;

import static org.stfusion.core.engine.kernels.Arrays5.assertClose;
import static org.stfusion.core.engine.kernels.Arrays5.assertPaddingUntouched;
import static org.stfusion.core.engine.kernels.Arrays5.gaussian;
import static org.stfusion.core.engine.kernels.Arrays5.place;
import static org.stfusion.core.engine.kernels.Arrays5.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ElementwiseKernelsTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        long[][] shapes = {{3, 5, 2, 3, 7}, {2, 3, 2, 20, 31}, {6, 4}};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] shape : shapes) {
                for (boolean view : new boolean[] {false, true}) {
                    cases.add(Arguments.of(type, shape, view));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} view={2}")
    @MethodSource("cases")
    void opsMatchDefinitions(DataType type, long[] shape, boolean view) {
        int size = 1;
        for (long s : shape) {
            size *= (int) s;
        }
        Random rnd = new Random(size);
        // Inputs rounded to the element type, so every expected value below is exact.
        double[] x = values(place(gaussian(rnd, size, 0, 1), shape, type, false));
        double[] g = values(place(gaussian(rnd, size, 0, 1), shape, type, false));
        double[] expected = new double[size];

        INDArray a = place(x, shape, type, view);
        ElementwiseKernels.relu(a);
        for (int i = 0; i < size; i++) {
            expected[i] = Math.max(x[i], 0);
        }
        assertClose(expected, a, 0, "relu");

        // The activation in the other layout than the gradient, as when a block slice meets a temp.
        INDArray grad = place(g, shape, type, view);
        ElementwiseKernels.reluBackward(place(x, shape, type, !view), grad);
        for (int i = 0; i < size; i++) {
            expected[i] = x[i] > 0 ? g[i] : 0;
        }
        assertClose(expected, grad, 0, "relu backward");

        INDArray sum = place(x, shape, type, view);
        ElementwiseKernels.addInPlace(sum, place(g, shape, type, !view));
        for (int i = 0; i < size; i++) {
            expected[i] = x[i] + g[i];
        }
        assertClose(values(place(expected, shape, type, false)), sum, 0, "add");

        ElementwiseKernels.zero(sum);
        assertClose(new double[size], sum, 0, "zero");
        for (INDArray v : new INDArray[] {a, grad, sum}) {
            assertPaddingUntouched(v);
        }
    }

    @ParameterizedTest(name = "{0} {1} view={2}")
    @MethodSource("cases")
    void channelReductionsAndSpreadMatchDefinitions(DataType type, long[] shape, boolean view) {
        if (shape.length == 2) {
            return; // [N, C] has no trailing dimensions to reduce
        }
        int n = (int) shape[0];
        int c = (int) shape[1];
        int size = 1;
        for (long s : shape) {
            size *= (int) s;
        }
        int run = size / (n * c);
        Random rnd = new Random(size + 1);
        double[] x = values(place(gaussian(rnd, size, 0, 1), shape, type, false));
        double[] g = values(place(gaussian(rnd, size, 0, 1), shape, type, false));
        double[] dot = new double[n * c];
        double[] mean = new double[n * c];
        for (int r = 0; r < n * c; r++) {
            for (int i = 0; i < run; i++) {
                dot[r] += x[r * run + i] * g[r * run + i];
                mean[r] += x[r * run + i] / run;
            }
        }
        double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
        INDArray out = org.nd4j.linalg.factory.Nd4j.create(type, n, c);
        ElementwiseKernels.channelDot(place(x, shape, type, view), place(g, shape, type, !view), out);
        assertClose(dot, out, tolerance * run, "channel dot");
        // Into a strided [N, C] view, as a column slice of a wider matrix.
        INDArray wide = org.nd4j.linalg.factory.Nd4j.zeros(type, n, c + 3);
        INDArray means = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, c + 1));
        ElementwiseKernels.channelMean(place(x, shape, type, view), means);
        assertClose(mean, means, tolerance, "channel mean");

        INDArray spread = place(g, shape, type, view);
        ElementwiseKernels.spreadChannels(means, 0.5, spread);
        double[] expected = new double[size];
        double[] m = values(means);
        for (int r = 0; r < n * c; r++) {
            for (int i = 0; i < run; i++) {
                expected[r * run + i] = 0.5 * m[r];
            }
        }
        assertClose(expected, spread, tolerance, "spread");
        assertPaddingUntouched(spread);
    }
}
