package org.stfusion.api.model;

/** A network skeleton with fusion positions, created by a {@link BackboneProvider} for one input. */
public interface Backbone {

    /**
     * Declares the whole network on {@code builder} for {@code input} and returns the class logits. It may be called
     * again with an input of another height and width than the {@link InputSpec} the backbone was created for
     * (evaluation at another size than training): it must then declare the same weights, which the global pooling
     * before the classifier makes natural; core refuses a size at which any layer would be left without a pixel.
     */
    Tensor build(NetworkBuilder builder, Tensor input);

    /** The effective hyper-parameters (after presets and overrides), recorded in results. */
    java.util.Map<String, Object> settings();
}
