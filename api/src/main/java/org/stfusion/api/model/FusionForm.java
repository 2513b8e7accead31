package org.stfusion.api.model;

/**
 * Where a fusion position's paths sit relative to normalisation and activation, i.e. what each path is
 * besides its {@link FusionPath} convolution. Whatever the form, a dropped path (hard gate 0) contributes
 * exactly zero to the sum: where the path ends with its bias-free conv the gate multiplies the conv's input;
 * where BN follows the conv (which would turn a zero input into its shift) it multiplies the path's output.
 */
public enum FusionForm {
    /** Per path {@code BN -> ReLU -> [gate] -> conv}, paths summed (DenseNet's pre-activation layers). */
    PRE_ACTIVATION,
    /**
     * Per path {@code [gate] -> conv} on an input the backbone has already activated, paths summed; the
     * backbone normalises and activates the sum (ResNet/ResNeXt bottleneck conv1).
     */
    ACTIVATED_INPUT,
    /**
     * Per path {@code conv -> BN -> ReLU6 -> [gate]}, paths summed (MobileNetV2's expansion conv); the gate
     * is on the output because BN makes the path non-zero for a zero input.
     */
    POST_ACTIVATION_RELU6
}
