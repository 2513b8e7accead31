package org.stfusion.core.engine.planned;

import java.util.EnumMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Temporary arrays for ops that cannot write where the result goes (a strided slice, a gradient to add to):
 * one growing buffer per role, handed out as c-order views of its prefix. Ops run one after another, so a role is
 * never in use twice at once.
 */
final class Scratch {
    enum Role {
        INPUT, WEIGHT, OUTPUT, GRAD_INPUT, GRAD_WEIGHT, GRAD_OUTPUT,
        /** One group's slices of a grouped convolution. */
        GROUP_INPUT, GROUP_WEIGHT, GROUP_OUTPUT, GROUP_GRAD_INPUT, GROUP_GRAD_WEIGHT, GROUP_GRAD_OUTPUT
    }

    private final DataType dt;
    private final Map<Role, INDArray> buffers = new EnumMap<>(Role.class);

    Scratch(DataType dt) {
        this.dt = dt;
    }

    INDArray get(Role role, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        INDArray buffer = buffers.get(role);
        if (buffer == null || buffer.length() < n) {
            buffer = Nd4j.createUninitialized(dt, Math.max(n, buffer == null ? 0 : buffer.length() * 3 / 2));
            buffers.put(role, buffer);
        }
        INDArray prefix = buffer.length() == n ? buffer : buffer.get(NDArrayIndex.interval(0, n));
        return prefix.reshape('c', shape);
    }

    /** Scratch of the shape of {@code like}. */
    INDArray like(Role role, INDArray like) {
        return get(role, like.shape());
    }
}
