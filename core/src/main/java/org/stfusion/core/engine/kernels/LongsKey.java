package org.stfusion.core.engine.kernels;

import java.util.Arrays;

/** A map key made of longs (a shape, a geometry), compared by content; the array must not change afterwards. */
public record LongsKey(long[] values) {
    @Override
    public boolean equals(Object o) {
        return o instanceof LongsKey k && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
