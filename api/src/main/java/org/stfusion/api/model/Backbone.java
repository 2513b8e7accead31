package org.stfusion.api.model;

/** A network skeleton with fusion positions, created by a {@link BackboneProvider} for one input. */
public interface Backbone {

    /** Declares the whole network on {@code builder} for {@code input} and returns the class logits. */
    Tensor build(NetworkBuilder builder, Tensor input);

    /** The effective hyper-parameters (after presets and overrides), recorded in results. */
    java.util.Map<String, Object> settings();
}
