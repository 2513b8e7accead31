package org.stfusion.core.engine;

/** How the fusion paths of a graph are gated. */
public enum GateMode {
    /** No gates, no drop rates: a fixed-strategy network (also the warm-up graph). */
    NONE,
    /** Relaxed-Bernoulli masks from fed logistic noise, and the KL regulariser: v-DropPath training. */
    RELAXED,
    /** Fixed 0/1 masks fed per path (and per classifier feature): evaluating a sampled strategy. */
    HARD
}
