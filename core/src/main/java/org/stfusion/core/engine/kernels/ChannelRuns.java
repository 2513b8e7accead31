package org.stfusion.core.engine.kernels;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Addresses an activation [N, C, ...] whose trailing dimensions form one contiguous run per (n, c),
 * as in a channel-slice view of an NCDHW block buffer: stride(0), stride(1) and the offset are free,
 * the dimensions after C must be C-ordered and dense. Reads and writes go through the native buffer
 * with absolute indices, so a view is used in place, never copied.
 */
final class ChannelRuns {

    final int batch;
    final int channels;
    /** Length of one (n, c) run: the product of the dimensions after C. */
    final int run;
    final FloatBuffer floats;
    final DoubleBuffer doubles;
    private final long offset;
    private final long strideN;
    private final long strideC;

    private ChannelRuns(INDArray a) {
        if (a.rank() < 2) {
            throw new IllegalArgumentException("expected an array [N, C, ...], got shape " + Arrays.toString(a.shape()));
        }
        if (!trailingDense(a)) {
            throw new IllegalArgumentException("dimensions after C must be dense and C-ordered; shape "
                    + Arrays.toString(a.shape()) + ", stride " + Arrays.toString(a.stride()));
        }
        long len = 1;
        for (int d = a.rank() - 1; d >= 2; d--) {
            len *= a.size(d);
        }
        long last = a.offset() + (a.size(0) - 1) * a.stride(0) + (a.size(1) - 1) * a.stride(1) + len;
        if (last > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array too large for int indexing");
        }
        batch = (int) a.size(0);
        channels = (int) a.size(1);
        run = (int) len;
        offset = a.offset();
        strideN = a.stride(0);
        strideC = a.stride(1);
        // Index 0 of the NIO view is the start of the allocation; a view's offset() counts from there.
        if (a.dataType() == DataType.FLOAT) {
            floats = a.data().asNioFloat();
            doubles = null;
        } else if (a.dataType() == DataType.DOUBLE) {
            floats = null;
            doubles = a.data().asNioDouble();
        } else {
            throw new IllegalArgumentException("only FLOAT and DOUBLE are supported, got " + a.dataType());
        }
    }

    /** Whether the dimensions after C of {@code a} (rank 2 or more) are dense and C-ordered, as this class needs. */
    static boolean trailingDense(INDArray a) {
        long len = 1;
        for (int d = a.rank() - 1; d >= 2; d--) {
            if (a.size(d) > 1 && a.stride(d) != len) {
                return false;
            }
            len *= a.size(d);
        }
        return true;
    }

    static ChannelRuns of(INDArray a) {
        return new ChannelRuns(a);
    }

    /** Like {@link #of} and checks that {@code a} has the shape and data type of {@code like}. */
    static ChannelRuns like(INDArray a, INDArray like, String name) {
        if (!Arrays.equals(a.shape(), like.shape()) || a.dataType() != like.dataType()) {
            throw new IllegalArgumentException(name + " must be " + like.dataType() + " " + Arrays.toString(like.shape())
                    + ", got " + a.dataType() + " " + Arrays.toString(a.shape()));
        }
        return new ChannelRuns(a);
    }

    boolean isFloat() {
        return floats != null;
    }

    double get(int n, int c, int i) {
        int at = at(n, c, i);
        return floats != null ? floats.get(at) : doubles.get(at);
    }

    /** Copies run (n, c) into {@code dst}; {@code floats} is room for a FLOAT run on its way. */
    void read(int n, int c, double[] dst, float[] floats) {
        read(n, c, 0, run, dst, floats);
    }

    /** Copies elements {@code [from, from + len)} of run (n, c) into {@code dst}. */
    void read(int n, int c, int from, int len, double[] dst, float[] floats) {
        int at = at(n, c, from);
        if (this.floats != null) {
            this.floats.get(at, floats, 0, len);
            for (int i = 0; i < len; i++) {
                dst[i] = floats[i];
            }
        } else {
            doubles.get(at, dst, 0, len);
        }
    }

    /** Writes {@code src} (rounded to FLOAT if this array is) into run (n, c). */
    void write(int n, int c, double[] src, float[] floats) {
        int at = at(n, c, 0);
        if (this.floats != null) {
            for (int i = 0; i < run; i++) {
                floats[i] = (float) src[i];
            }
            this.floats.put(at, floats, 0, run);
        } else {
            doubles.put(at, src, 0, run);
        }
    }

    /** Absolute index of element {@code i} of run (n, c). */
    int at(int n, int c, int i) {
        return (int) (offset + n * strideN + c * strideC + i);
    }
}
