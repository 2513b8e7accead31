package org.stfusion.testkit;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;

/**
 * Shapes only: builds a backbone as the fixed network with the paths of {@code unit} at every fusion position,
 * without allocating a weight, and records its fusion positions, parameter count and MACs per clip with the
 * engine's conventions (parameters: conv weights, BN γ and β, linear weight and bias; MACs: conv
 * {@code output voxels × out × in/groups × kernel volume} plus linear {@code in × out}). Milliseconds where
 * building a 25 M-parameter network takes seconds; it also catches shape mistakes (a conv on a flat tensor, an
 * {@code add} of different shapes, duplicate parameter names) as exceptions naming the op.
 */
public final class ShapeRecordingNetworkBuilder implements NetworkBuilder {
    private final List<FusionPath> paths;
    private final BitSet unit;
    private final Set<String> names = new HashSet<>();
    private final List<Position> positions = new ArrayList<>();
    private long parameters;
    private long macs;

    /** A fusion position as declared: name, input shape, output channels and form. */
    public record Position(String name, Shape input, int outChannels, FusionForm form) {
    }

    /** A tensor of this builder: its shape. */
    public record Shaped(Shape shape) implements Tensor {
    }

    /** {@code unit}: bit i set = the i-th of {@code paths} exists at every position. */
    public ShapeRecordingNetworkBuilder(List<FusionPath> paths, BitSet unit) {
        this.paths = List.copyOf(paths);
        this.unit = (BitSet) unit.clone();
    }

    /** Records {@code backbone} built for {@code input}; returns the logits tensor. */
    public static ShapeRecordingNetworkBuilder record(Backbone backbone, InputSpec input, List<FusionPath> paths, BitSet unit) {
        var builder = new ShapeRecordingNetworkBuilder(paths, unit);
        Tensor logits = backbone.build(builder, new Shaped(input.clipShape()));
        if (!logits.shape().flat() || logits.shape().channels() != input.classes()) {
            throw new AssertionError("the backbone returned " + logits.shape() + ", expected " + input.classes() + " logits");
        }
        return builder;
    }

    public long parameters() {
        return parameters;
    }

    public long macs() {
        return macs;
    }

    public List<Position> positions() {
        return List.copyOf(positions);
    }

    @Override
    public Tensor conv3d(String name, Tensor x, int out, Kernel3 k, Kernel3 s, Kernel3 p, int groups) {
        Shape in = volume(x, "conv3d " + name);
        if (groups < 1 || in.channels() % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("conv3d " + name + ": " + groups + " groups do not divide "
                    + in.channels() + " input and " + out + " output channels");
        }
        Shape o = Shape.volume(out, size(in.frames(), k.t(), s.t(), p.t()), size(in.height(), k.h(), s.h(), p.h()),
                size(in.width(), k.w(), s.w(), p.w()));
        if (o.frames() < 1 || o.height() < 1 || o.width() < 1) {
            throw new IllegalArgumentException("conv3d " + name + ": input " + in + " too small for kernel " + k);
        }
        long weights = (long) out * (in.channels() / groups) * k.volume();
        add(name + ".weight", weights);
        macs += weights * o.voxels();
        return new Shaped(o);
    }

    @Override
    public Tensor batchNorm(String name, Tensor x) {
        add(name + ".gamma", x.shape().channels());
        add(name + ".beta", x.shape().channels());
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
        return pool(x, k, s, p);
    }

    @Override
    public Tensor avgPool3d(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        return pool(x, k, s, p);
    }

    private static Tensor pool(Tensor x, Kernel3 k, Kernel3 s, Kernel3 p) {
        Shape in = volume(x, "pool");
        return new Shaped(Shape.volume(in.channels(), size(in.frames(), k.t(), s.t(), p.t()),
                size(in.height(), k.h(), s.h(), p.h()), size(in.width(), k.w(), s.w(), p.w())));
    }

    @Override
    public Tensor concat(List<Tensor> xs) {
        Shape first = xs.get(0).shape();
        for (Tensor t : xs) {
            Shape s = t.shape();
            if (s.flat() != first.flat() || s.frames() != first.frames() || s.height() != first.height()
                    || s.width() != first.width()) {
                throw new IllegalArgumentException("concat of " + first + " and " + s);
            }
        }
        int channels = xs.stream().mapToInt(t -> t.shape().channels()).sum();
        return new Shaped(new Shape(channels, first.frames(), first.height(), first.width(), first.flat()));
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("add of " + a.shape() + " and " + b.shape());
        }
        return a;
    }

    @Override
    public Tensor globalAvgPool(Tensor x) {
        return new Shaped(Shape.vector(volume(x, "globalAvgPool").channels()));
    }

    @Override
    public Tensor fusion(String name, Tensor x, int outChannels, FusionForm form) {
        Shape in = volume(x, "fusion " + name);
        positions.add(new Position(name, in, outChannels, form));
        for (int i = unit.nextSetBit(0); i >= 0; i = unit.nextSetBit(i + 1)) {
            String scope = name + "." + paths.get(i).unitName();
            Tensor input = form == FusionForm.PRE_ACTIVATION ? batchNorm(scope + ".bn", x) : x;
            Tensor y = paths.get(i).apply(this, scope, input, outChannels);
            if (!y.shape().equals(Shape.volume(outChannels, in.frames(), in.height(), in.width()))) {
                throw new IllegalStateException("fusion path '" + paths.get(i).unitName() + "' at " + name + " returned "
                        + y.shape() + ", expected " + outChannels + " channels at the input's size");
            }
            if (form == FusionForm.POST_ACTIVATION_RELU6) {
                batchNorm(scope + ".bn", y);
            }
        }
        return new Shaped(Shape.volume(outChannels, in.frames(), in.height(), in.width()));
    }

    @Override
    public Tensor classifier(String name, Tensor features, int classes) {
        if (!features.shape().flat()) {
            throw new IllegalArgumentException("classifier " + name + " needs a feature vector, got " + features.shape());
        }
        add(name + ".weight", (long) features.shape().channels() * classes);
        add(name + ".bias", classes);
        macs += (long) features.shape().channels() * classes;
        return new Shaped(Shape.vector(classes));
    }

    private void add(String name, long count) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
        }
        parameters += count;
    }

    private static Shape volume(Tensor x, String op) {
        if (x.shape().flat()) {
            throw new IllegalArgumentException(op + " needs a C x T x H x W volume, got " + x.shape());
        }
        return x.shape();
    }

    private static int size(int in, int k, int s, int p) {
        return (in + 2 * p - k) / s + 1;
    }
}
