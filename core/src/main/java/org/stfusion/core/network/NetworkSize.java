package org.stfusion.core.network;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;

/**
 * The size of a template network from shapes alone, before a weight is allocated: a backbone's widths (channels,
 * growth, blocks) multiply, and a setting that is merely large can ask for a weight tensor past what one array
 * holds, or for more parameters than the heap. Every product is computed in long arithmetic, saturating rather
 * than overflowing. The template has every fusion path at every position, as training builds it.
 */
public final class NetworkSize implements NetworkBuilder {
    /** The largest Java array: one weight tensor is created as one. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Bytes a parameter takes while training: float weights, gradients, momentum, and the double it starts as. */
    static final long BYTES_PER_PARAMETER = 20;

    private final List<FusionPath> paths;
    private long parameters;
    private long largestWeight;
    private String largestWeightName = "";
    /** Every weight declared, with its values, in declaration order. */
    private final Map<String, Long> weights = new LinkedHashMap<>();
    /** The first layer whose output would be empty (its padded input shorter than its kernel), or null. */
    private String firstEmpty;

    private NetworkSize(List<FusionPath> paths) {
        this.paths = List.copyOf(paths);
    }

    /** A tensor of this builder: its shape only. */
    private record Shaped(Shape shape) implements Tensor {
    }

    /**
     * Checks that the template network of {@code backbone} on {@code input} fits: no weight tensor larger than one
     * array, and parameters that fit {@code heapBytes} while training.
     *
     * @param key the configuration section that sets the backbone's widths, e.g. {@code backbone}
     * @throws ConfigException naming {@code key}, the largest weight or the parameter count
     */
    public static void check(String key, Backbone backbone, InputSpec input, List<FusionPath> paths, long heapBytes) {
        NetworkSize size = new NetworkSize(paths);
        backbone.build(size, new Shaped(input.clipShape()));
        if (size.largestWeight > MAX_ARRAY) {
            throw new ConfigException(key, "weight " + size.largestWeightName + " would hold " + size.largestWeight
                    + " values, more than one array holds (" + MAX_ARRAY + "): lower the backbone's widths");
        }
        long bytes = saturatedProduct(size.parameters, BYTES_PER_PARAMETER);
        if (bytes > heapBytes) {
            throw new ConfigException(key, "the network would have " + size.parameters + " parameters, about "
                    + (bytes >> 20) + " MiB while training, more than the " + (heapBytes >> 20)
                    + " MiB heap: lower the backbone's widths (or raise STFUSION_HEAP)");
        }
    }

    /**
     * Checks that {@code backbone}, made for clips of {@code input}, also takes the validation clips of
     * {@code validation} (another height and width: evaluation at another size): every layer keeps at least one
     * pixel, and the backbone declares the same weights at both sizes, so the trained weights score the validation
     * clips unchanged.
     *
     * @param key the configuration key that sets the validation size, e.g. {@code dataset.testSize}
     * @throws ConfigException naming {@code key}, the layer left without a pixel and the smallest size that works
     */
    public static void checkValidationSize(String key, Backbone backbone, InputSpec input, InputSpec validation,
                                           List<FusionPath> paths) {
        if (validation.height() == input.height() && validation.width() == input.width()) {
            return;
        }
        String size = validation.height() + "x" + validation.width() + " px";
        NetworkSize at = new NetworkSize(paths);
        try {
            backbone.build(at, new Shaped(validation.clipShape()));
        } catch (RuntimeException e) {
            throw new ConfigException(key, "the backbone cannot take validation clips of " + size + ": " + e.getMessage());
        }
        if (at.firstEmpty != null) {
            int smallest = smallestSide(backbone, input, paths);
            throw new ConfigException(key, "validation clips of " + size + " are too small for the backbone: "
                    + at.firstEmpty + " would have no output pixel"
                    + (smallest > 0 ? "; it takes clips of at least " + smallest + "x" + smallest + " px" : ""));
        }
        NetworkSize trained = new NetworkSize(paths);
        backbone.build(trained, new Shaped(input.clipShape()));
        if (!at.weights.equals(trained.weights)) {
            String first = at.weights.keySet().stream().filter(w -> !at.weights.get(w).equals(trained.weights.get(w)))
                    .findFirst().orElseGet(() -> trained.weights.keySet().stream()
                            .filter(w -> !at.weights.containsKey(w)).findFirst().orElse("?"));
            throw new ConfigException(key, "the backbone declares other weights for validation clips of " + size
                    + " than for the training clips of " + input.height() + "x" + input.width() + " px (" + first
                    + "), so the trained weights cannot score them: use the training size");
        }
    }

    /** The smallest square side up to the training size at which no layer is left without a pixel; 0 if none. */
    private static int smallestSide(Backbone backbone, InputSpec input, List<FusionPath> paths) {
        int largest = Math.max(input.height(), input.width());
        for (int side = 1; side <= largest; side++) {
            NetworkSize at = new NetworkSize(paths);
            try {
                backbone.build(at, new Shaped(Shape.volume(input.channels(), input.frames(), side, side)));
            } catch (RuntimeException e) {
                continue;
            }
            if (at.firstEmpty == null) {
                return side;
            }
        }
        return 0;
    }

    @Override
    public Tensor conv3d(String name, Tensor x, int out, Kernel3 k, Kernel3 s, Kernel3 p, int groups) {
        Shape in = x.shape();
        weight(name + ".weight", saturatedProduct(saturatedProduct(out, in.channels() / Math.max(groups, 1)), k.volume()));
        noteEmpty("conv3d " + name, in, k, s, p);
        return new Shaped(Shape.volume(out, size(in.frames(), k.t(), s.t(), p.t()), size(in.height(), k.h(), s.h(), p.h()),
                size(in.width(), k.w(), s.w(), p.w())));
    }

    /** Remembers the first layer whose padded input is shorter than its kernel along some axis. */
    private void noteEmpty(String layer, Shape in, Kernel3 k, Kernel3 s, Kernel3 p) {
        if (firstEmpty == null && (in.frames() + 2 * p.t() < k.t() || in.height() + 2 * p.h() < k.h()
                || in.width() + 2 * p.w() < k.w())) {
            firstEmpty = layer + " (input " + in + ", kernel " + k.t() + "x" + k.h() + "x" + k.w() + ")";
        }
    }

    @Override
    public Tensor batchNorm(String name, Tensor x) {
        weight(name + ".gamma", x.shape().channels());
        weight(name + ".beta", x.shape().channels());
        return x;
    }

    @Override
    public Tensor relu(Tensor x) {
        return x;
    }

    @Override
    public Tensor relu6(Tensor x) {
        return x;
    }

    @Override
    public Tensor maxPool3d(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        return pool("max pool", x, k, s, p);
    }

    @Override
    public Tensor avgPool3d(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        return pool("average pool", x, k, s, p);
    }

    private Tensor pool(String layer, Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        Shape in = x.shape();
        if (k.volume() == 1 && s.volume() == 1) {
            return x; // the identity, as the engine records it
        }
        noteEmpty(layer, in, k, s, p);
        return new Shaped(Shape.volume(in.channels(), size(in.frames(), k.t(), s.t(), p.t()),
                size(in.height(), k.h(), s.h(), p.h()), size(in.width(), k.w(), s.w(), p.w())));
    }

    @Override
    public Tensor concat(List<Tensor> xs) {
        Shape first = xs.get(0).shape();
        long channels = 0;
        for (Tensor t : xs) {
            channels += t.shape().channels();
        }
        // channels past an int cannot be built at all: saturate, and the weights that follow are refused
        return new Shaped(new Shape((int) Math.min(channels, Integer.MAX_VALUE), first.frames(), first.height(),
                first.width(), first.flat()));
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return a;
    }

    @Override
    public Tensor globalAvgPool(Tensor x) {
        return new Shaped(Shape.vector(x.shape().channels()));
    }

    @Override
    public Tensor fusion(String name, Tensor x, int outChannels, FusionForm form) {
        Shape in = x.shape();
        for (FusionPath path : paths) {
            String scope = name + "." + path.unitName();
            if (form == FusionForm.PRE_ACTIVATION) {
                batchNorm(scope + ".bn", x);
            }
            Shape y = path.apply(this, scope, x, outChannels).shape();
            if (form == FusionForm.POST_ACTIVATION_RELU6) {
                batchNorm(scope + ".bn", new Shaped(y));
            }
        }
        return new Shaped(Shape.volume(outChannels, in.frames(), in.height(), in.width()));
    }

    @Override
    public Tensor classifier(String name, Tensor features, int classes) {
        weight(name + ".weight", saturatedProduct(features.shape().channels(), classes));
        weight(name + ".bias", classes);
        return new Shaped(Shape.vector(classes));
    }

    private void weight(String name, long values) {
        weights.put(name, values);
        parameters = saturatedSum(parameters, values);
        if (values > largestWeight) {
            largestWeight = values;
            largestWeightName = name;
        }
    }

    private static int size(int in, int k, int s, int p) {
        return Math.max(1, (in + 2 * p - k) / Math.max(s, 1) + 1);
    }

    private static long saturatedProduct(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long saturatedSum(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
