package org.stfusion.core.engine.planned;

import static org.junit.jupiter.api.Assertions.assertSame;

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

/**
 * 1x1x1 convolutions as a matrix product per sample, against ND4J's conv3dnew and conv3dnew_bp. In FLOAT oneDNN
 * takes these convolutions where it loads (OneDnnConvolutions), so there the same assertions hold for its route.
 */
class PointwiseConvolutionTest {

    /** How the operands lie: contiguous, channel slices of a block, or depth-strided (not matrices: conv3d's path). */
    enum Layout { CONTIGUOUS, CHANNEL_SLICES, DEPTH_STRIDED }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (Layout layout : Layout.values()) {
                cases.add(Arguments.of(type, layout));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void forwardAndBackwardMatchNd4jsConvolution(DataType type, Layout layout) {
        // 2 M multiply-adds a sample: enough for the product per sample (tiny ones stay on conv3d).
        long[] in = {2, 64, 4, 16, 16};
        long[] out = {2, 32, 4, 16, 16};
        Nd4j.getRandom().setSeed(70 + layout.ordinal());
        INDArray x = place(Nd4j.randn(type, in), layout);
        INDArray dy = place(Nd4j.randn(type, out), layout);
        INDArray w = Nd4j.randn(type, 1, 1, 1, in[1], out[1]);
        Kernel3 one = new Kernel3(1, 1, 1);
        Op.Conv conv = new Op.Conv("w", one, one, new Kernel3(0, 0, 0), 1);
        Scratch scratch = new Scratch(type);
        int[] ones = {1, 1, 1};
        int[] zeros = {0, 0, 0};
        INDArray expectedY = Nd4j.create(type, out);
        INDArray expectedDx = Nd4j.create(type, in);
        INDArray expectedGw = Nd4j.create(type, w.shape());
        scratch.ops.conv3d(x.dup(), w, ones, zeros, expectedY);
        scratch.ops.conv3dBackward(x.dup(), w, dy.dup(), ones, zeros, expectedDx, expectedGw);

        INDArray y = place(Nd4j.valueArrayOf(out, 2.5, type), layout); // overwritten, not added to
        INDArray gx = place(Nd4j.valueArrayOf(in, 2.5, type), layout);
        INDArray gw = Nd4j.valueArrayOf(w.shape(), 2.5, type);
        for (int repeat = 0; repeat < 2; repeat++) { // the second call reuses the memoised views
            Convolutions.forward(conv, x, w, y, scratch);
            INDArray dx = Convolutions.backward(conv, x, w, dy, gx, gw, scratch);
            PlannedArrays.assertClose(expectedY, y, type, "y");
            PlannedArrays.assertClose(expectedDx, dx, type, "dx");
            PlannedArrays.assertClose(expectedGw, gw, type, "gw");
            if (layout != Layout.DEPTH_STRIDED) {
                assertSame(gx, dx, "the input gradient is written where it goes, slice or not");
            }
        }
    }

    private static INDArray place(INDArray a, Layout layout) {
        return switch (layout) {
            case CONTIGUOUS -> a;
            case CHANNEL_SLICES -> PlannedArrays.channelSlice(a);
            case DEPTH_STRIDED -> PlannedArrays.depthStrided(a);
        };
    }
}
