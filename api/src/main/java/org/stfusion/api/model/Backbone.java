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

    /**
     * Where this network's weights come from in a 2D network's ImageNet state_dict, for {@code backbone.inflate};
     * empty (the default) when the backbone has no 2D counterpart, which makes {@code backbone.inflate} a
     * configuration error naming the backbone.
     */
    default java.util.Optional<Inflation> inflation() {
        return java.util.Optional.empty();
    }
}
