package org.stfusion.core.engine;

import java.util.BitSet;

/**
 * What one graph over the shared weights looks like: its gates, its batch-norm mode, for fixed strategies what
 * exists at each position ({@code fixed}; null for the template, where every path exists), and whether dropout
 * precedes the classifier (training a fixed network only, e.g. the warm-up).
 */
public record GraphVariant(GateMode gates, BnMode bn, FixedStrategy fixed, boolean classifierDropout) {

    public GraphVariant {
        if (classifierDropout && (bn != BnMode.BATCH || gates != GateMode.NONE)) {
            throw new IllegalArgumentException("dropout is for training fixed networks (batch statistics, no gates)");
        }
    }

    public static GraphVariant template(GateMode gates, BnMode bn) {
        return new GraphVariant(gates, bn, null, false);
    }

    public static GraphVariant fixed(BnMode bn, FixedStrategy strategy) {
        return new GraphVariant(GateMode.NONE, bn, strategy, false);
    }

    /** A fixed network trained with dropout before its classifier. */
    public static GraphVariant fixedWithDropout(FixedStrategy strategy) {
        return new GraphVariant(GateMode.NONE, BnMode.BATCH, strategy, true);
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
