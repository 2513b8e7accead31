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
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.UserException;

/**
 * A trained network as a function from clips [N, C, T, H, W] to logits [N, classes], run in evaluation mode (running
 * batch-norm statistics) in batches of {@code batchSize}.
 */
public final class ClipClassifier {
    private final InputSpec input;
    private final List<String> classNames;
    private final String description;
    private final int batchSize;
    private final DataType dataType;
    private final Function<INDArray, INDArray> forward;

    private ClipClassifier(InputSpec input, List<String> classNames, String description, int batchSize,
                           DataType dataType, Function<INDArray, INDArray> forward) {
        if (classNames.size() != input.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + input.classes() + " classes");
        }
        this.input = input;
        this.classNames = List.copyOf(classNames);
        this.description = description;
        this.batchSize = batchSize;
        this.dataType = dataType;
        this.forward = forward;
    }

    /** A fixed-strategy network: only its kept paths exist. */
    public static ClipClassifier of(StandaloneNetwork network, InputSpec input, List<String> classNames,
                                    String description, int batchSize) {
        BuiltGraph g = network.evaluation();
        return new ClipClassifier(input, classNames, description, batchSize, network.store().dataType(),
                clips -> g.executor().logits(clips, Map.of()));
    }

    /** The template with every path and classifier feature kept, as its validation top-1 during training is taken. */
    public static ClipClassifier allKept(TemplateNetwork template, List<String> classNames, String description,
                                         int batchSize) {
        BuiltGraph g = template.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING));
        boolean[] paths = new boolean[template.gates().size()];
        Arrays.fill(paths, true);
        boolean[] features = new boolean[template.template().classifierFeatures()];
        Arrays.fill(features, true);
        Map<String, INDArray> masks = template.hardMasks(paths, features);
        return new ClipClassifier(template.input(), classNames, description, batchSize, template.store().dataType(),
                clips -> g.executor().logits(clips, masks));
    }

    /** Refuses, naming {@code source}, clips that are not [N, C, T, H, W] of {@code input}'s shape with N at least 1. */
    public static void requireClips(InputSpec input, INDArray clips, String source) {
        long[] expected = {input.channels(), input.frames(), input.height(), input.width()};
        long[] shape = clips.shape();
        if (shape.length != 5 || !Arrays.equals(Arrays.copyOfRange(shape, 1, 5), expected) || shape[0] < 1) {
            throw new UserException(source + ": expected clips [N, " + input.channels() + ", " + input.frames() + ", "
                    + input.height() + ", " + input.width() + "] (N, C, T, H, W), got " + Arrays.toString(shape));
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
     * Logits [N, classes] of {@code clips} [N, C, T, H, W] (any float type); clips of another shape are refused
     * naming {@code source} and the shape expected.
     */
    public INDArray logits(INDArray clips, String source) {
        requireClips(input, clips, source);
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
