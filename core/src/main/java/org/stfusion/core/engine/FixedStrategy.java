package org.stfusion.core.engine;

import java.util.BitSet;
import java.util.List;
import java.util.function.Function;

/**
 * What a fixed-strategy network contains at each fusion position: which configured paths exist (bit i =
 * the i-th path), whether the layer after the position adds its features (false = D1 dropped, "skip"), and
 * which sources (concatenated inputs, 0-based) each path reads (null = all of them).
 */
public interface FixedStrategy {
    BitSet paths(String position);

    default boolean layerKept(String position) {
        return true;
    }

    default List<Integer> sources(String position, int path) {
        return null;
    }

    /** The same path set everywhere-or-per-position, every layer kept, every source read. */
    static FixedStrategy of(Function<String, BitSet> pathsAt) {
        return pathsAt::apply;
    }
}
