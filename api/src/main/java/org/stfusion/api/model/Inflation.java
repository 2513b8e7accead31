package org.stfusion.api.model;

import java.util.List;
import java.util.Objects;

/**
 * How a backbone's network starts from a 2D network's ImageNet weights ({@code backbone.inflate}), as the paper's
 * template starts from torchvision's DenseNet-121 (I3D-style inflation). The backbone names, for each of its layers
 * that has a 2D counterpart, the name it gave the layer on {@link NetworkBuilder} and the PyTorch state_dict key of
 * the 2D layer without the parameter suffix (e.g. {@code features.denseblock1.denselayer1.conv1}). Core reads the
 * file, checks every key and shape, and fills the layers:
 * <ul>
 *   <li>{@link Conv}: the 2D kernel {@code [out, in/groups, kH, kW]} ({@code KEY.weight}) becomes the 3D one by
 *       repeating it over the 3D kernel's temporal size kT and dividing by kT: a 7x7 stem becomes kTx7x7 / kT, a
 *       3x3 becomes 1x3x3 as it is. On a clip of identical frames the 3D convolution then computes the 2D one
 *       (away from the first and last frames, where the temporal zero padding is read).</li>
 *   <li>{@link BatchNorm}: gamma, beta and the running statistics copied from {@code KEY.weight},
 *       {@code KEY.bias}, {@code KEY.running_mean}, {@code KEY.running_var}.</li>
 *   <li>{@link Fusion}: at a fusion position, every fusion path's convolution from the 2D conv, inflated as above
 *       (the 1x1x1 S path as it is, the 3x1x1 T path repeated 3 times and divided by 3), and each path's own batch
 *       norm, where the position's {@link FusionForm} gives paths one, copied from the 2D batch norm (every path gets
 *       the same).</li>
 * </ul>
 * The keys in {@code dropped} (the 2D classifier, whose classes are not the dataset's) are ignored, and so is every
 * {@code num_batches_tracked}; any other key of the file that no layer takes is an error, as is a missing key or a
 * shape that does not fit. Layers the mapping does not name (the classifier) keep their initialisation.
 *
 * @param source  what file the mapping fits, for messages (e.g. {@code torchvision's densenet121 state_dict})
 * @param layers  the layers that take 2D weights, in network order
 * @param dropped the keys of the file that are deliberately not used
 */
public record Inflation(String source, List<Layer> layers, List<String> dropped) {

    public Inflation {
        Objects.requireNonNull(source, "source");
        layers = List.copyOf(layers);
        dropped = List.copyOf(dropped);
    }

    /** A layer of this network and the 2D layer it is inflated from. */
    public sealed interface Layer permits Conv, BatchNorm, Fusion {
        /** The layer's name as given to {@link NetworkBuilder} (a conv, batch norm or fusion position name). */
        String name();
    }

    /** {@code conv3d(name, ...)} from the 2D convolution {@code key} (its {@code key.weight}). */
    public record Conv(String name, String key) implements Layer {
        public Conv {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
        }
    }

    /** {@code batchNorm(name, ...)} from the 2D batch norm {@code key}. */
    public record BatchNorm(String name, String key) implements Layer {
        public BatchNorm {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Fusion position {@code name} from the 2D convolution {@code conv} it replaces and, for the forms whose paths have
     * their own batch norm ({@link FusionForm#PRE_ACTIVATION}, {@link FusionForm#POST_ACTIVATION_RELU6}), the 2D
     * batch norm {@code batchNorm} that goes with it (before it in DenseNet, after it in MobileNetV2); null for
     * {@link FusionForm#ACTIVATED_INPUT}, whose batch norm after the sum is the backbone's own layer.
     */
    public record Fusion(String name, String conv, String batchNorm) implements Layer {
        public Fusion {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(conv, "conv");
        }
    }
}
