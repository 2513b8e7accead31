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
