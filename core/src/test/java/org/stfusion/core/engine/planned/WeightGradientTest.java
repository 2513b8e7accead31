package org.stfusion.core.engine.planned;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.model.Kernel3;
import org.stfusion.core.engine.Op;

/** The weight-only convolution backward (columns and products) against ND4J's conv3dnew_bp. */
class WeightGradientTest {

    /** Kernel, stride, padding: the 3D stem's, a depth stride with padding, uneven edges, a 1x1x1. */
    private static final int[][][] CONVS = {
            {{5, 7, 7}, {1, 2, 2}, {2, 3, 3}},
            {{3, 3, 3}, {2, 2, 2}, {1, 1, 1}},
            {{3, 5, 3}, {2, 3, 1}, {0, 2, 1}},
            {{1, 1, 1}, {1, 1, 1}, {0, 0, 0}},
    };

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int g = 0; g < CONVS.length; g++) {
                for (boolean view : new boolean[] {false, true}) {
                    cases.add(Arguments.of(type, g, view));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} geometry {1} inputs in channel slices={2}")
    @MethodSource("cases")
    void weightGradientMatchesNd4jsConvolutionBackward(DataType type, int geometry, boolean view) {
        int[][] g = CONVS[geometry];
        long[] in = {3, 2, 7, 11, 10};
        long[] out = {3, 4, out(7, g, 0), out(11, g, 1), out(10, g, 2)};
        Nd4j.getRandom().setSeed(40 + geometry);
        INDArray x = view ? PlannedArrays.channelSlice(Nd4j.randn(type, in)) : Nd4j.randn(type, in);
        INDArray dy = view ? PlannedArrays.channelSlice(Nd4j.randn(type, out)) : Nd4j.randn(type, out);
        INDArray w = Nd4j.randn(type, g[0][0], g[0][1], g[0][2], in[1], out[1]);
        Op.Conv conv = new Op.Conv("w", new Kernel3(g[0][0], g[0][1], g[0][2]), new Kernel3(g[1][0], g[1][1], g[1][2]),
                new Kernel3(g[2][0], g[2][1], g[2][2]), 1);
        Scratch scratch = new Scratch(type);
        INDArray expected = Nd4j.create(type, w.shape());
        scratch.ops.conv3dBackward(x.dup(), w, dy.dup(), g[1], g[2], Nd4j.create(type, in), expected);

        INDArray gw = Nd4j.valueArrayOf(w.shape(), 3.5, type); // overwritten, not added to
        for (int repeat = 0; repeat < 2; repeat++) { // the second call reuses the scratch views
            Convolutions.weightGradient(conv, x, dy, gw, scratch);
            PlannedArrays.assertClose(expected, gw, type, "gw");
        }
    }

    private static long out(long size, int[][] g, int d) {
        return (size + 2L * g[2][d] - g[0][d]) / g[1][d] + 1;
    }
}
