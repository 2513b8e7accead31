package org.stfusion.core.engine.kernels;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies small parameter arrays (per-channel vectors, [N, C] gates) between ND4J arrays of any stride
 * and {@code double[]}. One NIO pass per array: {@code getDouble(i)} per element would cost more than
 * the kernels at C = 256.
 */
public final class SmallArrays {

    private SmallArrays() {
    }

    /** Reads a vector of {@code length} elements (rank 1, or rank 2 with a unit dimension). */
    static void readVector(INDArray v, int length, String name, double[] dst) {
        checkVector(v, length, name);
        long stride = vectorStride(v);
        copy(v, v.offset(), 1, length, 0, stride, dst, false);
    }

    static void writeVector(double[] src, INDArray v) {
        copy(v, v.offset(), 1, (int) v.length(), 0, vectorStride(v), src, true);
    }

    /** Reads a [rows, cols] matrix into {@code dst} in row-major order. */
    public static void readMatrix(INDArray m, int rows, int cols, String name, double[] dst) {
        if (m.rank() != 2 || m.size(0) != rows || m.size(1) != cols) {
            throw new IllegalArgumentException(name + " must have shape [" + rows + ", " + cols + "], got "
                    + Arrays.toString(m.shape()));
        }
        copy(m, m.offset(), rows, cols, m.stride(0), m.stride(1), dst, false);
    }

    public static void writeMatrix(double[] src, INDArray m) {
        copy(m, m.offset(), (int) m.size(0), (int) m.size(1), m.stride(0), m.stride(1), src, true);
    }

    /** Reads an array of any rank with at most one dimension longer than 1, such as a [1, C, 1, 1, 1] parameter. */
    static void readLine(INDArray a, double[] dst) {
        copy(a, a.offset(), 1, (int) a.length(), 0, lineStride(a), dst, false);
    }

    static void writeLine(double[] src, INDArray a) {
        copy(a, a.offset(), 1, (int) a.length(), 0, lineStride(a), src, true);
    }

    private static long lineStride(INDArray a) {
        long stride = 1;
        int longer = 0;
        for (int d = 0; d < a.rank(); d++) {
            if (a.size(d) > 1) {
                stride = a.stride(d);
                longer++;
            }
        }
        if (longer > 1) {
            throw new IllegalArgumentException("expected a line of values, got shape " + Arrays.toString(a.shape()));
        }
        return stride;
    }

    static void checkVector(INDArray v, int length, String name) {
        if (v.length() != length || v.rank() > 2 || (v.rank() == 2 && v.size(0) != 1 && v.size(1) != 1)) {
            throw new IllegalArgumentException(name + " must be a vector of length " + length + ", got shape "
                    + Arrays.toString(v.shape()));
        }
    }

    private static long vectorStride(INDArray v) {
        if (v.rank() == 1) {
            return v.stride(0);
        }
        return v.size(0) == 1 ? v.stride(1) : v.stride(0);
    }

    /** Copies {@code values} into {@code a} when {@code store}, else {@code a} into {@code values}. */
    private static void copy(INDArray a, long offset, int rows, int cols, long rowStride, long colStride,
                             double[] values, boolean store) {
        DataType type = a.dataType();
        if (type == DataType.FLOAT) {
            FloatBuffer b = a.data().asNioFloat();
            for (int r = 0, k = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++, k++) {
                    int i = (int) (offset + r * rowStride + c * colStride);
                    if (store) {
                        b.put(i, (float) values[k]);
                    } else {
                        values[k] = b.get(i);
                    }
                }
            }
        } else if (type == DataType.DOUBLE) {
            DoubleBuffer b = a.data().asNioDouble();
            for (int r = 0, k = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++, k++) {
                    int i = (int) (offset + r * rowStride + c * colStride);
                    if (store) {
                        b.put(i, values[k]);
                    } else {
                        values[k] = b.get(i);
                    }
                }
            }
        } else {
            throw new IllegalArgumentException("only FLOAT and DOUBLE are supported, got " + type);
        }
    }
}
