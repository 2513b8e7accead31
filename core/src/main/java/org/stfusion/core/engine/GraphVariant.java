package org.stfusion.core.engine;

import java.util.BitSet;

/**
 * What one graph over the shared weights looks like: its gates, its batch-norm mode and, for fixed
 * strategies, what exists at each position ({@code fixed}; null for the template, where every path exists).
 */
public record GraphVariant(GateMode gates, BnMode bn, FixedStrategy fixed) {

    public static GraphVariant template(GateMode gates, BnMode bn) {
        return new GraphVariant(gates, bn, null);
    }

    public static GraphVariant fixed(BnMode bn, FixedStrategy strategy) {
        return new GraphVariant(GateMode.NONE, bn, strategy);
    }

    BitSet paths(String position, int pathCount) {
        if (fixed == null) {
            BitSet all = new BitSet();
            all.set(0, pathCount);
            return all;
        }
        return fixed.paths(position);
    }
}
