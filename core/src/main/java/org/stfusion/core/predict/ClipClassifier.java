package org.stfusion.core.predict;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.Shape;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.UserException;

/**
 * A trained network as a function from clips [N, C, T, H, W] to logits [N, classes], run in evaluation mode (running
 * batch-norm statistics) in batches of {@code batchSize}. The clips need the network's channels and frames; their
 * height and width may be any the network takes (it is convolutional up to its global pooling; a graph of the same
 * weights is made for each size).
 */
public final class ClipClassifier {
    private final InputSpec input;
    private final List<String> classNames;
    private final String description;
    private final int batchSize;
    private final DataType dataType;
    /** The forward pass at a clip size (C x T x H x W); throws IllegalArgumentException for a size it cannot take. */
    private final Function<Shape, Function<INDArray, INDArray>> forwardAt;

    private ClipClassifier(InputSpec input, List<String> classNames, String description, int batchSize,
                           DataType dataType, Function<Shape, Function<INDArray, INDArray>> forwardAt) {
        if (classNames.size() != input.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + input.classes() + " classes");
        }
        this.input = input;
        this.classNames = List.copyOf(classNames);
        this.description = description;
        this.batchSize = batchSize;
        this.dataType = dataType;
        this.forwardAt = forwardAt;
    }

    /** A fixed-strategy network: only its kept paths exist. */
    public static ClipClassifier of(StandaloneNetwork network, InputSpec input, List<String> classNames,
                                    String description, int batchSize) {
        return new ClipClassifier(input, classNames, description, batchSize, network.store().dataType(), clip -> {
            BuiltGraph g = network.evaluation(clip);
            return clips -> g.executor().logits(clips, Map.of());
        });
    }

    /** The template with every path and classifier feature kept, as its validation top-1 during training is taken. */
    public static ClipClassifier allKept(TemplateNetwork template, List<String> classNames, String description,
                                         int batchSize) {
        boolean[] paths = new boolean[template.gates().size()];
        Arrays.fill(paths, true);
        boolean[] features = new boolean[template.template().classifierFeatures()];
        Arrays.fill(features, true);
        Map<String, INDArray> masks = template.hardMasks(paths, features);
        return new ClipClassifier(template.input(), classNames, description, batchSize, template.store().dataType(),
                clip -> {
                    BuiltGraph g = template.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING), clip);
                    return clips -> g.executor().logits(clips, masks);
                });
    }

    /**
     * Refuses, naming {@code source}, clips that are not [N, C, T, H, W] with N at least 1 and {@code input}'s channels
     * and frames (the height and width may differ from {@code input}'s: see {@link #logits}).
     */
    public static void requireClips(InputSpec input, INDArray clips, String source) {
        long[] shape = clips.shape();
        if (shape.length != 5 || shape[0] < 1 || shape[1] != input.channels() || shape[2] != input.frames()
                || shape[3] < 1 || shape[4] < 1 || shape[3] > Integer.MAX_VALUE || shape[4] > Integer.MAX_VALUE) {
            throw new UserException(source + ": expected clips [N, " + input.channels() + ", " + input.frames()
                    + ", H, W] (N, C, T, H, W; the network was trained on " + input.height() + "x" + input.width()
                    + " px and takes any size its layers can reduce), got " + Arrays.toString(shape));
        }
    }

    public InputSpec input() {
        return input;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** What network this is, for the user: "strategy best (s004) of runs/x", "the template in model.safetensors". */
    public String description() {
        return description;
    }

    /**
     * The logits the scorer ranks one item by, [1, classes], from {@code views} [V, C, T, H, W] of it (its evaluation
     * views, e.g. from {@link MediaInput#views}): the logits of its one view, or the log of its class probabilities
     * averaged over its views.
     */
    public INDArray itemLogits(INDArray views, String source) {
        return org.stfusion.core.eval.Scorer.averageOverViews(logits(views, source), 1, (int) views.size(0));
    }

    /**
     * Logits [N, classes] of {@code clips} [N, C, T, H, W] (any float type); clips of another channel count or length,
     * or too small for the network, are refused naming {@code source} and what was expected.
     */
    public INDArray logits(INDArray clips, String source) {
        requireClips(input, clips, source);
        Function<INDArray, INDArray> forward;
        try {
            forward = forwardAt.apply(Shape.volume(input.channels(), input.frames(), (int) clips.size(3),
                    (int) clips.size(4)));
        } catch (IllegalArgumentException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
        long n = clips.size(0);
        INDArray out = null;
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            INDArray batch = clips.get(NDArrayIndex.interval(start, end), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all()).dup('c').castTo(dataType);
            // The engine reuses its output buffer on the next call: copy before running another batch.
            INDArray logits = forward.apply(batch).dup('c');
            if (out == null) {
                out = Nd4j.create(logits.dataType(), n, logits.size(1));
            }
            out.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(logits);
        }
        return out;
    }
}
