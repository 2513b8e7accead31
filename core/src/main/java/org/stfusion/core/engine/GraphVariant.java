package org.stfusion.core.engine;

import java.util.BitSet;
import java.util.function.Function;

/**
 * What one graph over the shared weights looks like: its gates, its batch-norm mode and, for fixed
 * strategies, which fusion paths exist at each position (bit i = the i-th configured path).
 */
public record GraphVariant(GateMode gates, BnMode bn, Function<String, BitSet> pathsAt) {

    public static GraphVariant template(GateMode gates, BnMode bn) {
        return new GraphVariant(gates, bn, null);
    }

    public static GraphVariant fixed(BnMode bn, Function<String, BitSet> pathsAt) {
        return new GraphVariant(GateMode.NONE, bn, pathsAt);
    }

    BitSet paths(String position, int pathCount) {
        if (pathsAt == null) {
            BitSet all = new BitSet();
            all.set(0, pathCount);
            return all;
        }
        return pathsAt.apply(position);
    }
}
