package org.stfusion.core.engine;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;

/**
 * Shapes only: counts the parameters and MACs of a fixed-strategy network (one path set at every position)
 * with {@link SameDiffNetworkBuilder}'s conventions, without allocating weights. Building the 25M-50M
 * parameter ResNets in SameDiff takes seconds each; this takes milliseconds. {@code BackboneCountsTest}
 * checks that both agree on every unit of the tiny presets.
 */
final class CountingNetworkBuilder implements NetworkBuilder {
    private final List<FusionPath> paths;
    private final BitSet unit;
    private final Set<String> names = new HashSet<>();
    private long parameters;
    private long macs;
    private int positions;

    CountingNetworkBuilder(List<FusionPath> paths, BitSet unit) {
        this.paths = List.copyOf(paths);
        this.unit = unit;
    }

    long parameters() {
        return parameters;
    }

    long macs() {
        return macs;
    }

    int positions() {
        return positions;
    }

    record Shaped(Shape shape) implements Tensor {
    }

    @Override
    public Tensor conv3d(String name, Tensor x, int out, Kernel3 k, Kernel3 s, Kernel3 p, int groups) {
        Shape in = x.shape();
        Shape o = Shape.volume(out, size(in.frames(), k.t(), s.t(), p.t()), size(in.height(), k.h(), s.h(), p.h()),
                size(in.width(), k.w(), s.w(), p.w()));
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
        Shape in = x.shape();
        return new Shaped(Shape.volume(in.channels(), size(in.frames(), k.t(), s.t(), p.t()),
                size(in.height(), k.h(), s.h(), p.h()), size(in.width(), k.w(), s.w(), p.w())));
    }

    @Override
    public Tensor concat(List<Tensor> xs) {
        Shape first = xs.get(0).shape();
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
        return new Shaped(Shape.vector(x.shape().channels()));
    }

    @Override
    public Tensor fusion(String name, Tensor x, int outChannels, FusionForm form) {
        positions++;
        for (int i = unit.nextSetBit(0); i >= 0; i = unit.nextSetBit(i + 1)) {
            String scope = name + "." + paths.get(i).unitName();
            Tensor in = form == FusionForm.PRE_ACTIVATION ? batchNorm(scope + ".bn", x) : x;
            Tensor y = paths.get(i).apply(this, scope, in, outChannels);
            if (form == FusionForm.POST_ACTIVATION_RELU6) {
                batchNorm(scope + ".bn", y);
            }
        }
        Shape in = x.shape();
        return new Shaped(Shape.volume(outChannels, in.frames(), in.height(), in.width()));
    }

    @Override
    public Tensor classifier(String name, Tensor features, int classes) {
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

    private static int size(int in, int k, int s, int p) {
        return (in + 2 * p - k) / s + 1;
    }
}
