package org.stfusion.core.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

class PoolingKernelsTest {

    private static final int N = 2;
    private static final int C = 3;
    private static final int[] IN = {5, 7, 9};
    private static final NativeOps OPS = new NativeOps();

    /** Kernel, stride and padding: the 3D stem's pooling, the transitions', and odd ones with uneven edges. */
    private static final int[][][] POOLS = {
            {{3, 3, 3}, {1, 2, 2}, {1, 1, 1}},
            {{1, 2, 2}, {1, 2, 2}, {0, 0, 0}},
            {{2, 2, 2}, {2, 2, 2}, {1, 1, 1}},
            {{3, 3, 3}, {2, 3, 2}, {0, 1, 1}},
            {{1, 3, 1}, {1, 1, 1}, {0, 1, 0}},
    };

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int g = 0; g < POOLS.length; g++) {
                for (boolean view : new boolean[] {false, true}) {
                    for (boolean ties : new boolean[] {false, true}) {
                        cases.add(Arguments.of(type, g, view, ties));
                    }
                }
            }
        }
        return cases.stream();
    }

    private static long[] shape(int[] s) {
        return new long[] {N, C, s[0], s[1], s[2]};
    }

    /**
     * Against the definition (the first largest cell of a window takes its gradient), on inputs and outputs that are
     * channel slices or not. With ties, the input is ReLU-like (a third zeros, the rest a few repeated values), so
     * which of the equal cells wins is tested too.
     */
    @ParameterizedTest(name = "{0} geometry {1} view={2} ties={3}")
    @MethodSource("cases")
    void maxPoolingMatchesTheDefinition(DataType type, int geometry, boolean view, boolean ties) {
        int[][] spec = POOLS[geometry];
        Geometry g = new Geometry(N, C, IN, spec[0], spec[1], spec[2]);
        Random rnd = new Random(300 + geometry);
        double[] x = gaussian(rnd, N * C * g.inSize(), 0, 1);
        if (ties) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(0, Math.round(x[i] * 2));
            }
        }
        x = values(place(x, shape(IN), type, false));
        double[] gy = values(place(gaussian(rnd, N * C * g.outSize(), 0, 1), shape(g.outShape()), type, false));

        INDArray xa = place(x, shape(IN), type, view);
        INDArray y = output(null, shape(g.outShape()), type, !view);
        PoolingKernels.maxPool3d(xa, spec[0], spec[1], spec[2], y);
        assertClose(NaiveOps.maxPool(x, g), y, 0, "y");
        assertPaddingUntouched(y);
        assertPaddingUntouched(xa);

        INDArray gya = place(gy, shape(g.outShape()), type, !view);
        INDArray gx = output(null, shape(IN), type, view);
        PoolingKernels.maxPool3dBackward(xa, gya, spec[0], spec[1], spec[2], gx);
        assertClose(NaiveOps.maxPoolGrad(x, gy, g), gx, type == DataType.FLOAT ? 1e-6 : 1e-14, "gradX");
        assertPaddingUntouched(gx);
    }

    /** Without ties the maxima are unique, and ND4J's oneDNN pooling must give exactly the same. */
    @Test
    void agreesWithNd4jsPooling() {
        int[][] spec = POOLS[0];
        long[] in = {3, 4, 6, 10, 12};
        Geometry g = new Geometry(3, 4, new int[] {6, 10, 12}, spec[0], spec[1], spec[2]);
        long[] out = {3, 4, g.out(0), g.out(1), g.out(2)};
        INDArray x = Nd4j.randn(DataType.FLOAT, in);
        INDArray gy = Nd4j.randn(DataType.FLOAT, out);
        INDArray y = Nd4j.create(DataType.FLOAT, out);
        INDArray yNd4j = Nd4j.create(DataType.FLOAT, out);
        PoolingKernels.maxPool3d(x, spec[0], spec[1], spec[2], y);
        OPS.maxPool3d(x, spec[0], spec[1], spec[2], yNd4j);
        assertEquals(yNd4j, y);
        INDArray gx = Nd4j.create(DataType.FLOAT, in);
        INDArray gxNd4j = Nd4j.create(DataType.FLOAT, in);
        PoolingKernels.maxPool3dBackward(x, gy, spec[0], spec[1], spec[2], gx);
        OPS.maxPool3dBackward(x, gy, spec[0], spec[1], spec[2], gxNd4j);
        assertTrue(gx.equalsWithEps(gxNd4j, 1e-6), "gradients differ from maxpool3dnew_bp");
    }

    @Test
    void aNanWinsItsWindowAndTakesTheGradient() {
        INDArray x = Nd4j.create(new double[] {1, Double.NaN, 3, 2}, new long[] {1, 1, 1, 1, 4});
        INDArray y = Nd4j.create(DataType.DOUBLE, 1, 1, 1, 1, 2);
        int[] k = {1, 1, 2};
        int[] s = {1, 1, 2};
        int[] p = {0, 0, 0};
        PoolingKernels.maxPool3d(x, k, s, p, y);
        assertTrue(Double.isNaN(y.getDouble(0)));
        assertEquals(3, y.getDouble(1));
        INDArray gx = Nd4j.create(DataType.DOUBLE, 1, 1, 1, 1, 4);
        PoolingKernels.maxPool3dBackward(x, Nd4j.create(new double[] {5, 7}, new long[] {1, 1, 1, 1, 2}), k, s, p, gx);
        assertEquals(Nd4j.create(new double[] {0, 5, 7, 0}, new long[] {1, 1, 1, 1, 4}), gx);
    }

    @Test
    void aWrongOutputShapeOrPaddingIsRefused() {
        INDArray x = Nd4j.create(DataType.FLOAT, 1, 2, 4, 4, 4);
        IllegalArgumentException wrongShape = assertThrows(IllegalArgumentException.class, () ->
                PoolingKernels.maxPool3d(x, new int[] {2, 2, 2}, new int[] {2, 2, 2}, new int[] {0, 0, 0},
                        Nd4j.create(DataType.FLOAT, 1, 2, 3, 2, 2)));
        assertTrue(wrongShape.getMessage().contains("cannot give [1, 2, 3, 2, 2]"), wrongShape.getMessage());
        assertThrows(IllegalArgumentException.class, () ->
                PoolingKernels.maxPool3d(x, new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1},
                        Nd4j.create(DataType.FLOAT, 1, 2, 6, 6, 6)));
    }
}
