package org.stfusion.core.engine;

/**
 * The names of a graph's gate inputs: logistic noise [batch, gates] and [batch, features] for RELAXED graphs,
 * 0/1 masks [1, gates] and [1, features] for HARD graphs.
 */
public final class GateInputs {
    public static final String PATH_NOISE = "pathNoise";
    public static final String FC_NOISE = "fcNoise";
    public static final String PATH_KEEP = "pathKeep";
    public static final String FC_KEEP = "fcKeep";
    /** Dropout's [batch, features] mask of 0 and 1/(1 − p) for graphs with {@link GraphVariant#classifierDropout()}. */
    public static final String FC_DROPOUT = "fcDropout";

    private GateInputs() {
    }
}
