package org.stfusion.core.engine.planned;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Views of an executor's own arrays, made once and reused. Every ND4J view is a native object that is registered
 * for release and freed only after a garbage collection; made per op, they were most of a small network's
 * garbage (and its resident memory grew until a collection). Arrays are keyed by identity; the memo is emptied
 * when it grows large, so views of arrays that come and go cost memory only for a while.
 */
final class ViewMemo {
    private static final int LIMIT = 4096;

    private record Key(INDArray base, int kind, long from, long count) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && base == k.base && kind == k.kind && from == k.from && count == k.count;
        }

        @Override
        public int hashCode() {
            return ((System.identityHashCode(base) * 31 + kind) * 31 + Long.hashCode(from)) * 31 + Long.hashCode(count);
        }
    }

    private final Map<Key, INDArray> views = new HashMap<>();

    /** A per-channel [1, C, 1, 1, 1] array as the [C] vector the kernels take. */
    INDArray vector(INDArray a) {
        return memo(new Key(a, 0, 0, 0), () -> a.reshape(a.length()));
    }

    /** Elements {@code [from, to)} of vector {@code v}. */
    INDArray interval(INDArray v, long from, long to) {
        return memo(new Key(v, 1, from, to), () -> v.get(NDArrayIndex.interval(from, to)));
    }

    /** Channels {@code [from, from + count)} of all samples of {@code x}. */
    INDArray channels(INDArray x, int from, int count) {
        return memo(new Key(x, 2, from, count), () -> Views.view(x, (int) x.size(0), from, count));
    }

    /** Samples {@code [0, batch)} of a [N, C] array. */
    INDArray samples(INDArray a, int batch) {
        return memo(new Key(a, 3, batch, 0), () -> Views.view(a, batch, 0, (int) a.size(1)));
    }

    /**
     * A contiguous c-ordered array as a [rows, length / rows] matrix on the same memory (a reshape could copy, and a
     * memoised copy would miss later updates of the array).
     */
    INDArray matrix(INDArray a, long rows) {
        if (!Views.contiguous(a)) {
            throw new IllegalStateException("not a contiguous array: shape " + java.util.Arrays.toString(a.shape())
                    + ", stride " + java.util.Arrays.toString(a.stride()));
        }
        long cols = a.length() / rows;
        return memo(new Key(a, 4, rows, 0), () -> Nd4j.create(a.data(), new long[] {rows, cols}, new long[] {cols, 1},
                a.offset(), 'c'));
    }

    /** Sample {@code n} of {@code a} as a [C, rest] matrix (see {@link Views#sampleMatrix}). */
    INDArray sampleMatrix(INDArray a, int n) {
        return memo(new Key(a, 6, n, 0), () -> Views.sampleMatrix(a, n));
    }

    /** Rows {@code [from, from + count)} of matrix {@code m}. */
    INDArray rowRange(INDArray m, long from, long count) {
        return memo(new Key(m, 5, from, count), () -> m.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all()));
    }

    private INDArray memo(Key key, java.util.function.Supplier<INDArray> make) {
        INDArray view = views.get(key);
        if (view == null) {
            if (views.size() >= LIMIT) {
                views.clear();
            }
            view = make.get();
            views.put(key, view);
        }
        return view;
    }
}
