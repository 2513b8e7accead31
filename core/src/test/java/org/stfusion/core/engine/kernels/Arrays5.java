package org.stfusion.core.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;

/** Test helpers: arrays as plain doubles, channel-slice views inside garbage-filled blocks, comparisons. */
final class Arrays5 {

    /** Channels of garbage on each side of a view inside its block. */
    static final int PAD_BEFORE = 3;
    static final int PAD_AFTER = 2;
    static final double GARBAGE = -777.25;
    private static final Map<INDArray, INDArray> BLOCK_OF_VIEW = Collections.synchronizedMap(new IdentityHashMap<>());

    private Arrays5() {
    }

    static double[] gaussian(Random rnd, int n, double mean, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + sd * rnd.nextGaussian();
        }
        return v;
    }

    /** The elements of {@code a} in C order, as doubles. */
    static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /**
     * An array of {@code shape} holding {@code data}: contiguous, or a channel slice [:, PAD_BEFORE, ...]
     * of a larger block whose other channels hold {@link #GARBAGE}.
     */
    static INDArray place(double[] data, long[] shape, DataType type, boolean view) {
        INDArray content = Nd4j.create(data, shape, 'c').castTo(type);
        if (!view) {
            return content;
        }
        long[] blockShape = shape.clone();
        blockShape[1] += PAD_BEFORE + PAD_AFTER;
        INDArray block = Nd4j.valueArrayOf(blockShape, GARBAGE, type);
        INDArray v = block.get(channelSlice(shape.length, PAD_BEFORE, PAD_BEFORE + shape[1]));
        v.assign(content);
        BLOCK_OF_VIEW.put(v, block);
        return v;
    }

    /** An output array of {@code shape} pre-filled with {@code data} (or garbage when null). */
    static INDArray output(double[] data, long[] shape, DataType type, boolean view) {
        if (data != null) {
            return place(data, shape, type, view);
        }
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] g = new double[(int) n];
        java.util.Arrays.fill(g, GARBAGE);
        return place(g, shape, type, view);
    }

    static INDArrayIndex[] channelSlice(int rank, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            idx[i] = all();
        }
        idx[1] = interval(from, to);
        return idx;
    }

    /** For a view made by {@link #place}: asserts that the channels around it still hold garbage. */
    static void assertPaddingUntouched(INDArray v) {
        INDArray block = BLOCK_OF_VIEW.remove(v);
        if (block == null) {
            return;
        }
        long channels = v.size(1);
        for (INDArray pad : new INDArray[] {block.get(channelSlice(v.rank(), 0, PAD_BEFORE)),
                block.get(channelSlice(v.rank(), PAD_BEFORE + channels, PAD_BEFORE + channels + PAD_AFTER))}) {
            double[] p = values(pad);
            for (double d : p) {
                assertTrue(d == GARBAGE, "a kernel wrote outside its channel-slice view");
            }
        }
    }

    /** A strided vector view (every second element of a longer buffer) holding {@code data}. */
    static INDArray stridedVector(double[] data, DataType type) {
        INDArray longer = Nd4j.valueArrayOf(new long[] {2L * data.length}, GARBAGE, type);
        INDArray v = longer.get(interval(0, 2, 2L * data.length));
        v.assign(Nd4j.create(data, new long[] {data.length}, 'c').castTo(type));
        return v;
    }

    /** |actual - expected| <= tol * (|expected| + max|expected|), elementwise. */
    static void assertClose(double[] expected, INDArray actual, double tol, String what) {
        assertClose(expected, values(actual), tol, what);
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertTrue(expected.length == actual.length, what + ": length " + actual.length + " != " + expected.length);
        double max = 0;
        for (double e : expected) {
            max = Math.max(max, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= tol * (Math.abs(expected[i]) + max))) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]
                        + " (tolerance " + tol + " relative, max |expected| " + max + ")");
            }
        }
    }
}
