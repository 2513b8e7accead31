package org.stfusion.core.engine.planned;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.api.model.Shape;

/** Buffers and views of the planned engine: [batch, C, T, H, W] volumes and [batch, C] vectors. */
final class Views {
    private Views() {
    }

    static long[] shape(int batch, Shape s) {
        return s.flat() ? new long[] {batch, s.channels()} : new long[] {batch, s.channels(), s.frames(), s.height(), s.width()};
    }

    static INDArray allocate(DataType dt, int batch, Shape s) {
        return Nd4j.createUninitialized(dt, shape(batch, s));
    }

    /** Samples {@code [0, batch)} and channels {@code [offset, offset + channels)} of {@code buffer}. */
    static INDArray view(INDArray buffer, int batch, int offset, int channels) {
        boolean allChannels = offset == 0 && channels == buffer.size(1);
        if (batch == buffer.size(0) && allChannels) {
            return buffer;
        }
        INDArrayIndex[] index = new INDArrayIndex[buffer.rank()];
        index[0] = NDArrayIndex.interval(0, batch);
        index[1] = allChannels ? NDArrayIndex.all() : NDArrayIndex.interval(offset, offset + channels);
        for (int d = 2; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return buffer.get(index);
    }

    /**
     * Whether each sample of {@code a} [N, C, ...] lies in memory as a c-order [C, rest] matrix: true of contiguous
     * arrays and of channel slices of a block buffer.
     */
    static boolean samplesAreMatrices(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 1; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return a.rank() >= 2;
    }

    /** Sample {@code n} of {@code a} (see {@link #samplesAreMatrices}) as a [C, rest] matrix on the same memory. */
    static INDArray sampleMatrix(INDArray a, int n) {
        long rest = a.length() / a.size(0) / a.size(1);
        return Nd4j.create(a.data(), new long[] {a.size(1), rest}, new long[] {rest, 1}, a.offset() + n * a.stride(0),
                'c');
    }

    /** Whether {@code a} lies in memory as a fresh c-order array of its shape would (native ops' fast path). */
    static boolean contiguous(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return a.ordering() == 'c' || shape.length <= 1;
    }
}
