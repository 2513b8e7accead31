package org.stfusion.core.engine.planned;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.core.engine.kernels.LongsKey;
import org.stfusion.core.engine.kernels.NativeOps;
import org.stfusion.core.engine.kernels.OneDnnConvolutions;

/**
 * Temporary arrays for ops that cannot write where the result goes (a strided slice, a gradient to add to):
 * one growing buffer per role, handed out as c-order views of its prefix. Ops run one after another, so a role is
 * never in use twice at once. A view is made once per role and shape (each is a native object, and the same
 * array object lets {@link NativeOps} reuse its op contexts as they are). Also holds the executor's
 * {@link NativeOps} and {@link OneDnnConvolutions}.
 */
final class Scratch {
    enum Role {
        INPUT, WEIGHT, OUTPUT, GRAD_INPUT, GRAD_WEIGHT, GRAD_OUTPUT,
        /** A convolution's input as columns (see PlaneColumns). */
        COLUMNS,
        /** A convolution's output on its way to be added where it goes. */
        SUMMAND,
        /** One group's slices of a grouped convolution. */
        GROUP_INPUT, GROUP_WEIGHT, GROUP_OUTPUT, GROUP_GRAD_INPUT, GROUP_GRAD_WEIGHT, GROUP_GRAD_OUTPUT
    }

    private final DataType dt;
    private final Map<Role, INDArray> buffers = new EnumMap<>(Role.class);
    private final Map<Role, Map<LongsKey, INDArray>> views = new EnumMap<>(Role.class);
    /** The executor's native ops, with their reused contexts. */
    final NativeOps ops = new NativeOps();
    /** The executor's oneDNN convolutions, with their primitives made once per geometry. */
    final OneDnnConvolutions oneDnn = new OneDnnConvolutions();
    private final ViewMemo memo = new ViewMemo();

    Scratch(DataType dt) {
        this.dt = dt;
    }

    INDArray get(Role role, long... shape) {
        Map<LongsKey, INDArray> made = views.computeIfAbsent(role, r -> new HashMap<>());
        LongsKey key = new LongsKey(shape);
        INDArray view = made.get(key);
        if (view != null) {
            return view;
        }
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        INDArray buffer = buffers.get(role);
        if (buffer == null || buffer.length() < n) {
            buffer = Nd4j.createUninitialized(dt, Math.max(n, buffer == null ? 0 : buffer.length() * 3 / 2));
            buffers.put(role, buffer);
            made.clear();
        }
        INDArray prefix = buffer.length() == n ? buffer : buffer.get(NDArrayIndex.interval(0, n));
        view = prefix.reshape('c', shape);
        made.put(new LongsKey(shape.clone()), view);
        return view;
    }

    /** {@code a} (contiguous, c-ordered) as a matrix of {@code rows} rows on the same memory; made once per array. */
    INDArray matrix(INDArray a, long rows) {
        return memo.matrix(a, rows);
    }

    /** Sample {@code n} of {@code a} as a [C, rest] matrix on the same memory; made once per array and sample. */
    INDArray sampleMatrix(INDArray a, int n) {
        return memo.sampleMatrix(a, n);
    }

    /** Rows {@code [from, from + count)} of matrix {@code m}. */
    INDArray rowRange(INDArray m, long from, long count) {
        return memo.rowRange(m, from, count);
    }

    /** Scratch of the shape of {@code like}. */
    INDArray like(Role role, INDArray like) {
        return get(role, like.shape());
    }
}
