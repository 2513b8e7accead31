package org.stfusion.backbones;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionForm;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Inflation;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.testkit.ShapeRecordingNetworkBuilder;

/**
 * A backbone whose logits are the feature map of one frame: {@code inner}'s network up to its global pooling, then a
 * convolution over the whole (T, H, W) volume whose kernel picks frame {@code frame} ({@link #select}: one output
 * channel per (c, h, w) of that frame), then the pooling (of a 1x1x1 volume, so nothing) and a classifier set to the
 * identity. The engine computes the network only up to its logits; this reads the features before the pooling, one
 * frame at a time, with the engine the template trains with. Everything else is {@code inner}'s, its 2D mapping too.
 */
final class FrameProbe implements Backbone {
    static final String SELECT = "probe.frame";

    private final Backbone inner;
    private final int frame;
    /** The shape of the feature map the network pools, once built. */
    private Shape pooled;

    FrameProbe(Backbone inner, int frame) {
        this.inner = inner;
        this.frame = frame;
    }

    /** Classes the probe needs: one per value of the frame's feature map (C x H x W of the last feature map). */
    static int classes(int channels, int height, int width) {
        return channels * height * width;
    }

    /** Classes the probe needs for {@code inner} on {@code input}, measured by declaring it without weights. */
    static int classes(Backbone inner, InputSpec input, List<FusionPath> paths) {
        FrameProbe measure = new FrameProbe(inner, 0);
        java.util.BitSet all = new java.util.BitSet();
        all.set(0, paths.size());
        measure.build(new ShapeRecordingNetworkBuilder(paths, all), new ShapeRecordingNetworkBuilder.Shaped(input.clipShape()));
        return classes(measure.pooled.channels(), measure.pooled.height(), measure.pooled.width());
    }

    @Override
    public Tensor build(NetworkBuilder b, Tensor input) {
        return inner.build(new Intercepting(b), input);
    }

    @Override
    public Map<String, Object> settings() {
        return inner.settings();
    }

    @Override
    public Optional<Inflation> inflation() {
        return inner.inflation();
    }

    /**
     * Sets the probe's weights in {@code store}: the frame-selecting kernel, and the classifier {@code head.fc} to the
     * identity with no bias, so that logit {@code c*H*W + h*W + w} is feature (c, frame, h, w).
     */
    void select(ParameterStore store) {
        INDArray w = store.trainable().get(SELECT + ".weight"); // [T, H, W, C, C*H*W]
        long[] s = w.shape();
        w.assign(0);
        for (int c = 0; c < s[3]; c++) {
            for (int h = 0; h < s[1]; h++) {
                for (int x = 0; x < s[2]; x++) {
                    w.putScalar(new long[] {frame, h, x, c, (c * s[1] + h) * s[2] + x}, 1);
                }
            }
        }
        INDArray fc = store.trainable().get("head.fc.weight");
        fc.assign(0);
        for (int i = 0; i < fc.size(0); i++) {
            fc.putScalar(i, i, 1);
        }
        store.trainable().get("head.fc.bias").assign(0);
    }

    /** Passes every call through, except the global pooling, in front of which it puts the frame selection. */
    private final class Intercepting implements NetworkBuilder {
        private final NetworkBuilder b;

        Intercepting(NetworkBuilder b) {
            this.b = b;
        }

        @Override
        public Tensor conv3d(String name, Tensor x, int outChannels, Kernel3 kernel, Kernel3 stride, Kernel3 padding,
                             int groups) {
            return b.conv3d(name, x, outChannels, kernel, stride, padding, groups);
        }

        @Override
        public Tensor batchNorm(String name, Tensor x) {
            return b.batchNorm(name, x);
        }

        @Override
        public Tensor relu(Tensor x) {
            return b.relu(x);
        }

        @Override
        public Tensor relu6(Tensor x) {
            return b.relu6(x);
        }

        @Override
        public Tensor maxPool3d(Tensor x, Kernel3 kernel, Kernel3 stride, Kernel3 padding) {
            return b.maxPool3d(x, kernel, stride, padding);
        }

        @Override
        public Tensor avgPool3d(Tensor x, Kernel3 kernel, Kernel3 stride, Kernel3 padding) {
            return b.avgPool3d(x, kernel, stride, padding);
        }

        @Override
        public Tensor concat(List<Tensor> xs) {
            return b.concat(xs);
        }

        @Override
        public Tensor add(Tensor x, Tensor y) {
            return b.add(x, y);
        }

        @Override
        public Tensor globalAvgPool(Tensor x) {
            Shape s = x.shape();
            pooled = s;
            Tensor one = b.conv3d(SELECT, x, classes(s.channels(), s.height(), s.width()),
                    Kernel3.of(s.frames(), s.height(), s.width()), Kernel3.cube(1), Kernel3.cube(0), 1);
            return b.globalAvgPool(one);
        }

        @Override
        public Tensor fusion(String name, Tensor x, int outChannels, FusionForm form) {
            return b.fusion(name, x, outChannels, form);
        }

        @Override
        public Tensor layerGate(String position, Tensor x) {
            return b.layerGate(position, x);
        }

        @Override
        public Tensor classifier(String name, Tensor features, int classes) {
            return b.classifier(name, features, classes);
        }
    }

    /** Frame {@code t} of a clip [1, C, T, H, W] as [1, C, H, W]. */
    static INDArray frameOf(INDArray clip, int t) {
        return clip.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all(),
                NDArrayIndex.all()).dup();
    }
}
