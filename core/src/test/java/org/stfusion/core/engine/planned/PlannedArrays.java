package org.stfusion.core.engine.planned;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Test helpers for the planned engine's ops: operands in the layouts the plan gives them, and comparisons. */
final class PlannedArrays {
    private PlannedArrays() {
    }

    /** A copy of {@code a} [N, C, D, H, W] in channels [2, 2 + C) of a larger block whose other channels hold -9. */
    static INDArray channelSlice(INDArray a) {
        long[] shape = a.shape().clone();
        shape[1] += 4;
        INDArray block = Nd4j.valueArrayOf(shape, -9.0, a.dataType());
        INDArray v = block.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 2 + a.size(1)), NDArrayIndex.all(),
                NDArrayIndex.all(), NDArrayIndex.all());
        v.assign(a);
        return v;
    }

    /** A copy of {@code a} in every other depth plane of a larger block: its samples are not plain matrices. */
    static INDArray depthStrided(INDArray a) {
        long[] shape = a.shape().clone();
        shape[2] *= 2;
        INDArray block = Nd4j.valueArrayOf(shape, -9.0, a.dataType());
        INDArray v = block.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, shape[2]),
                NDArrayIndex.all(), NDArrayIndex.all());
        v.assign(a);
        return v;
    }

    /** Relative error (2-norm) below 1e-5 in FLOAT, 1e-12 in DOUBLE. */
    static void assertClose(INDArray expected, INDArray actual, DataType type, String what) {
        double error = actual.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
        assertTrue(error < (type == DataType.FLOAT ? 1e-5 : 1e-12), what + ": relative error " + error);
    }
}
