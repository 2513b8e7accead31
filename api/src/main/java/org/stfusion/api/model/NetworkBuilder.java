package org.stfusion.api.model;

import java.util.List;

/**
 * The operations a backbone uses to declare its network. The engine behind it (SameDiff in core) owns the
 * weights, counts parameters and MACs, and decides what a {@link #fusion fusion position} contains: in a
 * template, every fusion path behind its own Variational DropPath gate; in a fixed-strategy network, only
 * the paths of the chosen unit, ungated. All tensors are per-sample NCDHW; the batch dimension is implicit.
 * Names must be unique within a network; they become parameter names in checkpoints.
 */
public interface NetworkBuilder {

    /** Bias-free 3D convolution (Kaiming-normal init): the grouped convolution below with one group. */
    default Tensor conv3d(String name, Tensor x, int outChannels, Kernel3 kernel, Kernel3 stride, Kernel3 padding) {
        return conv3d(name, x, outChannels, kernel, stride, padding, 1);
    }

    /**
     * Bias-free grouped 3D convolution: input and output channels are split into {@code groups} equal,
     * consecutive groups and output group g sees input group g only (PyTorch's {@code groups}); groups equal
     * to the input channels is a depthwise convolution. Both channel counts must be divisible by
     * {@code groups}. Parameters and MACs count {@code outChannels * inChannels / groups * kernel volume}.
     */
    Tensor conv3d(String name, Tensor x, int outChannels, Kernel3 kernel, Kernel3 stride, Kernel3 padding, int groups);

    /** Batch normalisation over (N, T, H, W) per channel, eps 1e-5, momentum 0.1; gamma 1, beta 0 at init. */
    Tensor batchNorm(String name, Tensor x);

    Tensor relu(Tensor x);

    /** min(max(x, 0), 6), MobileNetV2's activation. */
    Tensor relu6(Tensor x);

    default Tensor batchNormRelu(String name, Tensor x) {
        return relu(batchNorm(name, x));
    }

    Tensor maxPool3d(Tensor x, Kernel3 kernel, Kernel3 stride, Kernel3 padding);

    /** Average pooling; padded cells are not counted in the average. */
    Tensor avgPool3d(Tensor x, Kernel3 kernel, Kernel3 stride, Kernel3 padding);

    /** Concatenation along channels. */
    Tensor concat(List<Tensor> xs);

    Tensor add(Tensor a, Tensor b);

    /** Mean over (T, H, W): a volume becomes a feature vector. */
    Tensor globalAvgPool(Tensor x);

    /**
     * A fusion position in the {@link FusionForm#PRE_ACTIVATION pre-activation} form: for each configured
     * fusion path, {@code BN -> ReLU -> [gate] -> path}, and the sum of the path outputs.
     */
    default Tensor fusion(String name, Tensor x, int outChannels) {
        return fusion(name, x, outChannels, FusionForm.PRE_ACTIVATION);
    }

    /**
     * A fusion position: every configured fusion path wrapped as {@code form} says, and the sum of the path
     * outputs, at the input's size. The position's name (e.g. {@code B1.L3}, {@code T1}, {@code layer2.0})
     * identifies it in strategies and marginals.
     */
    Tensor fusion(String name, Tensor x, int outChannels, FusionForm form);

    /**
     * The optional layer gate "D1" of fusion position {@code position} (paper Fig. 3): call it on the input of the
     * convolution that turns the fused features into the layer's new features (DenseNet: the 1x3x3 conv), after
     * {@link #fusion}. When an experiment enables D1, dropping it makes the layer add nothing (identity through
     * the dense connection); otherwise it returns {@code x}.
     */
    default Tensor layerGate(String position, Tensor x) {
        return x;
    }

    /** The classifier: {@code [per-feature gate] -> Linear(features, classes)} with bias; returns logits. */
    Tensor classifier(String name, Tensor features, int classes);
}
