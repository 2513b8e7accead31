package org.stfusion.api.model;

/**
 * One kind of path at a fusion position, e.g. the spatial 1x1x1 or the temporal 3x1x1 convolution. The
 * engine wraps it as the position's {@link FusionForm} says (e.g. {@code BN -> ReLU -> [gate]} in front of
 * it) and sums the paths of a position; the unit a position ends up with is the set of kept paths (S, ST or
 * S+ST with the two standard paths).
 */
public interface FusionPath {

    /** Short name of the unit this path forms on its own ("S", "ST"); kept paths join with "+". */
    String unitName();

    /**
     * Applies the path to its input (normalised, activated and gated as the form says). Must be linear and
     * bias-free, so that a zero input gives a zero output.
     */
    Tensor apply(NetworkBuilder builder, String scope, Tensor activated, int outChannels);
}
