package org.stfusion.api.model;

/** A handle on a value in the network being built; only the builder that made it can use it. */
public interface Tensor {
    Shape shape();
}
