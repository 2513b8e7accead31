package org.stfusion.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.model.Shape;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;

/**
 * Scores networks on the validation split with the template's weights (no retraining, no rescaling; paper
 * Eq. 6) and either the template's running statistics or, with recalibration, statistics re-estimated for each
 * strategy on a few training batches. Validation batches are decoded once and kept while they fit in
 * {@code cacheBytes}, since every strategy is scored on the same clips.
 * <p>
 * Validation clips may have another height and width than training clips ({@link Dataset#inputSpec(Split)}):
 * networks are then scored through graphs of the same weights recorded at the validation size, while batch-norm
 * recalibration runs on training clips through the training-size graph (statistics are per channel, so they carry
 * over to any size).
 */
public final class Scorer implements AutoCloseable {
    private static final long DEFAULT_CACHE_BYTES = 1L << 30;
    private static final long RECALIBRATION_SEED = 17;

    private final TemplateNetwork net;
    private final Dataset dataset;
    private final int batchSize;
    private final int recalibrationBatches;
    private final Clips clips;
    /** The shape of the validation clips (C x T x H x W), which scoring graphs are recorded at. */
    private final Shape validationShape;
    /** Validation items scored apart, not used to rank strategies; null: every item ranks. */
    private final HeldOut heldOut;

    /** The decoded clips every strategy is scored on, shared by the scorers made with {@link #recalibrating}. */
    private static final class Clips {
        final ClipBatches loader;
        final boolean ownsLoader;
        final boolean cache;
        List<ClipBatches.Batch> validation;
        List<INDArray> recalibration;

        Clips(ClipBatches loader, boolean ownsLoader, boolean cache) {
            this.loader = loader;
            this.ownsLoader = ownsLoader;
            this.cache = cache;
        }
    }

    public Scorer(TemplateNetwork net, Dataset dataset, int batchSize) {
        this(net, dataset, batchSize, 0);
    }

    /**
     * With {@code recalibrationBatches > 0}, every strategy scored through {@link #score} first has its batch-norm
     * statistics re-estimated on that many training batches (the same batches for every strategy); the
     * template's own statistics are restored afterwards.
     */
    public Scorer(TemplateNetwork net, Dataset dataset, int batchSize, int recalibrationBatches) {
        this(net, dataset, batchSize, recalibrationBatches,
                new Clips(new ClipBatches(dataset, net.store().dataType()), true, fitsCache(net, dataset)), null);
    }

    /** Reads clips through {@code loader}, which stays open when the scorer closes. */
    public Scorer(TemplateNetwork net, Dataset dataset, ClipBatches loader, int batchSize, int recalibrationBatches) {
        this(net, dataset, batchSize, recalibrationBatches, new Clips(loader, false, fitsCache(net, dataset)), null);
    }

    private Scorer(TemplateNetwork net, Dataset dataset, int batchSize, int recalibrationBatches, Clips clips,
                   HeldOut heldOut) {
        this.net = net;
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.recalibrationBatches = recalibrationBatches;
        this.clips = clips;
        this.heldOut = heldOut;
        this.validationShape = dataset.inputSpec(Split.VALIDATION).clipShape();
    }

    /** This scorer with another recalibration setting, sharing its decoded clips. */
    public Scorer recalibrating(int batches) {
        return batches == recalibrationBatches ? this : new Scorer(net, dataset, batchSize, batches, clips, heldOut);
    }

    /**
     * This scorer with {@code part} of the validation items held out: {@link Score#top1()} and top-5 are then over
     * the other items only, and {@link Score#heldOutTop1()} over the held-out ones. Null: none held out.
     */
    public Scorer holdingOut(HeldOut part) {
        return new Scorer(net, dataset, batchSize, recalibrationBatches, clips, part);
    }

    private static boolean fitsCache(TemplateNetwork net, Dataset dataset) {
        var in = dataset.inputSpec(Split.VALIDATION);
        long bytes = (long) dataset.size(Split.VALIDATION) * dataset.views(Split.VALIDATION) * in.channels()
                * in.frames() * in.height() * in.width() * net.store().dataType().width();
        return bytes <= DEFAULT_CACHE_BYTES;
    }

    /**
     * Top-1 (and top-5 when there are more than 5 classes) of a result; with items held out, over the others, and
     * {@code heldOutTop1} over the held-out ones (else null). {@code nonFiniteItems} counts the clips whose logits
     * held a NaN or an infinity: a network that produces them is broken, so its score is 0 rather than whatever
     * the comparisons of NaNs happen to give.
     */
    public record Score(double top1, Double top5, long nonFiniteItems, Double heldOutTop1) implements java.io.Serializable {
        public Score(double top1, Double top5) {
            this(top1, top5, 0, null);
        }
    }

    /** Scores the template with hard masks: 0/1 per path gate, 0/1 per classifier feature. */
    public Score score(boolean[] pathKeep, boolean[] featureKeep) {
        return score(pathKeep, featureKeep, Integer.MAX_VALUE);
    }

    /** Like {@link #score(boolean[], boolean[])} on the first {@code items} validation clips only. */
    public Score score(boolean[] pathKeep, boolean[] featureKeep, int items) {
        return underStrategy(pathKeep, featureKeep, (g, masks) -> evaluate(g, masks, items));
    }

    /**
     * Runs {@code work} on the template's hard-mask graph with the strategy's masks and this scorer's batch-norm
     * statistics: re-estimated for the strategy first when it recalibrates, the template's own restored after.
     */
    private <T> T underStrategy(boolean[] pathKeep, boolean[] featureKeep,
                                java.util.function.BiFunction<BuiltGraph, Map<String, INDArray>, T> work) {
        return underStrategy(pathKeep, featureKeep, validationShape, work);
    }

    /** {@link #underStrategy} on clips of {@code clip}. */
    private <T> T underStrategy(boolean[] pathKeep, boolean[] featureKeep, Shape clip,
                                java.util.function.BiFunction<BuiltGraph, Map<String, INDArray>, T> work) {
        BuiltGraph g = net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING), clip);
        Map<String, INDArray> masks = net.hardMasks(pathKeep, featureKeep);
        if (recalibrationBatches == 0) {
            return work.apply(g, masks);
        }
        Map<String, INDArray> templateStatistics = net.recalibrate(recalibrationClips().iterator(), masks);
        try {
            return work.apply(g, masks);
        } finally {
            net.restoreStatistics(templateStatistics);
        }
    }

    /**
     * The logits {@link #score} ranks, for {@code clips} [N, C, T, H, W]: the template's hard-mask graph under the
     * strategy's masks, with this scorer's batch-norm statistics (re-estimated for the strategy first when it
     * recalibrates; the template's own are restored afterwards). The clips may have any height and width the network
     * takes (the graph is recorded at their size).
     */
    public INDArray logits(boolean[] pathKeep, boolean[] featureKeep, INDArray clips) {
        INDArray input = clips.castTo(net.store().dataType());
        if (input.rank() != 5) {
            throw new IllegalArgumentException("expected clips [N, C, T, H, W], got " + Arrays.toString(input.shape()));
        }
        Shape clip = Shape.volume((int) input.size(1), (int) input.size(2), (int) input.size(3), (int) input.size(4));
        return underStrategy(pathKeep, featureKeep, clip, (g, masks) -> g.executor().logits(input, masks).dup());
    }

    /** Recalibrates {@code network}'s batch norms on this scorer's batches (no change without recalibration). */
    public void recalibrate(StandaloneNetwork network) {
        if (recalibrationBatches > 0) {
            network.recalibrate(recalibrationClips().iterator());
        }
    }

    /** The number of training batches each strategy's batch norms are recalibrated on (0: the template's). */
    public int recalibrationBatches() {
        return recalibrationBatches;
    }

    /** The first {@code recalibrationBatches} batches of a fixed shuffle of the training split. */
    private List<INDArray> recalibrationClips() {
        if (clips.recalibration == null) {
            int[] order = new int[dataset.size(Split.TRAIN)];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            new RunRandom(RECALIBRATION_SEED).shuffle(order);
            int items = Math.min(order.length, recalibrationBatches * batchSize);
            List<INDArray> batches = new ArrayList<>();
            clips.loader.iterate(Split.TRAIN, Arrays.copyOf(order, items), batchSize, RECALIBRATION_SEED)
                    .forEachRemaining(b -> batches.add(b.clips()));
            clips.recalibration = batches;
        }
        return clips.recalibration;
    }

    /**
     * Until closed, scoring reuses what every strategy shares for each validation batch (the network's ungated
     * stem), within {@link #DEFAULT_CACHE_BYTES}. Not with recalibration, which changes the stem's statistics.
     */
    public GraphExecutor.Sharing sharingUngatedPrefix() {
        if (recalibrationBatches > 0) {
            return () -> { };
        }
        return net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING), validationShape).executor()
                .shareUngatedPrefix(DEFAULT_CACHE_BYTES);
    }

    /** Top-1 of the template with every path and feature kept. */
    public double allKeptTop1() {
        boolean[] paths = new boolean[net.gates().size()];
        Arrays.fill(paths, true);
        boolean[] features = new boolean[net.template().classifierFeatures()];
        Arrays.fill(features, true);
        return score(paths, features).top1();
    }

    /** Top-1 of the ungated network with {@code paths} at every position (the warm-up network: all paths). */
    public double fixedTop1(BitSet paths) {
        return evaluate(net.fixedGraph(BnMode.RUNNING, paths, validationShape), Map.of()).top1();
    }

    /** Top-1/top-5 of a standalone network over the validation split, through its graph at the validation size. */
    public Score evaluate(StandaloneNetwork network) {
        return evaluate(network.evaluation(validationShape), Map.of());
    }

    /**
     * Top-1/top-5 of any graph over the validation split; {@code masks} are the inputs a HARD graph needs. The graph
     * must be recorded at the validation clip size ({@link #validationShape()}).
     */
    public Score evaluate(BuiltGraph graph, Map<String, INDArray> masks) {
        return evaluate(graph, masks, Integer.MAX_VALUE);
    }

    /** The shape of the validation clips, C x T x H x W. */
    public Shape validationShape() {
        return validationShape;
    }

    private Score evaluate(BuiltGraph graph, Map<String, INDArray> masks, int items) {
        if (!graph.inputShape().equals(validationShape)) {
            throw new IllegalArgumentException("a graph for clips of " + graph.inputShape() + " cannot score validation "
                    + "clips of " + validationShape);
        }
        long[] top1 = new long[2];
        long[] top5 = new long[2];
        long[] n = new long[2];
        long nonFinite = 0;
        boolean withTop5 = dataset.inputSpec().classes() > 5;
        Iterator<ClipBatches.Batch> batches = batches();
        while (batches.hasNext() && n[0] + n[1] < items) {
            ClipBatches.Batch batch = batches.next();
            if (n[0] + n[1] + batch.size() > items) {
                batch = batch.first((int) (items - n[0] - n[1]));
            }
            INDArray logits = averageOverViews(graph.executor().logits(batch.clips(), masks), batch);
            nonFinite += nonFiniteRows(logits);
            boolean[] hit1 = topKHits(logits, batch.labels(), 1);
            boolean[] hit5 = withTop5 ? topKHits(logits, batch.labels(), 5) : null;
            for (int i = 0; i < batch.size(); i++) {
                int part = heldOut != null && heldOut.contains(batch.ids()[i]) ? 1 : 0;
                n[part]++;
                top1[part] += hit1[i] ? 1 : 0;
                top5[part] += withTop5 && hit5[i] ? 1 : 0;
            }
        }
        if (n[0] + n[1] == 0) {
            return new Score(Double.NaN, null);
        }
        Double heldOutTop1 = heldOut == null ? null : n[1] == 0 ? Double.NaN : top1[1] / (double) n[1];
        if (nonFinite > 0) {
            return new Score(0, withTop5 ? 0.0 : null, nonFinite, heldOut == null ? null : 0.0);
        }
        double ranked = n[0] == 0 ? Double.NaN : top1[0] / (double) n[0];
        return new Score(ranked, withTop5 ? top5[0] / (double) Math.max(1, n[0]) : null, 0, heldOutTop1);
    }

    private static long nonFiniteRows(INDArray logits) {
        long rows = 0;
        for (int i = 0; i < logits.rows(); i++) {
            for (int c = 0; c < logits.columns(); c++) {
                if (!Double.isFinite(logits.getDouble(i, c))) {
                    rows++;
                    break;
                }
            }
        }
        return rows;
    }

    private Iterator<ClipBatches.Batch> batches() {
        if (clips.validation != null) {
            return clips.validation.iterator();
        }
        int[] order = new int[dataset.size(Split.VALIDATION)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Iterator<ClipBatches.Batch> it = clips.loader.iterateViews(Split.VALIDATION, order, batchSize);
        if (!clips.cache) {
            return it;
        }
        List<ClipBatches.Batch> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        clips.validation = all;
        return all.iterator();
    }

    /**
     * Multi-view evaluation: the class probabilities averaged over an item's views (the usual 10-clip x 3-crop
     * protocol). Returns log-probabilities so that the ranking by top-k is that of the mean probability.
     */
    static INDArray averageOverViews(INDArray logits, ClipBatches.Batch batch) {
        return averageOverViews(logits, batch.size(), batch.views());
    }

    /**
     * {@link #averageOverViews(INDArray, ClipBatches.Batch)} for {@code logits} [items x views, classes] holding
     * {@code views} consecutive rows per item: [items, classes], the logits themselves when there is one view.
     */
    public static INDArray averageOverViews(INDArray logits, int items, int views) {
        if (views == 1) {
            return logits;
        }
        long classes = logits.size(1);
        INDArray probabilities = org.nd4j.linalg.ops.transforms.Transforms.softmax(logits, true);
        INDArray mean = probabilities.reshape('c', items, views, classes).mean(1);
        return org.nd4j.linalg.ops.transforms.Transforms.log(mean, false);
    }

    /** How many rows have their label among the k highest logits (ties count against the label). */
    public static long topKCorrect(INDArray logits, int[] labels, int k) {
        long correct = 0;
        for (boolean hit : topKHits(logits, labels, k)) {
            correct += hit ? 1 : 0;
        }
        return correct;
    }

    /** Per row, whether its label is among the k highest logits; a row with a non-finite logit never is. */
    static boolean[] topKHits(INDArray logits, int[] labels, int k) {
        boolean[] hits = new boolean[labels.length];
        int classes = (int) logits.size(1);
        for (int i = 0; i < labels.length; i++) {
            double target = logits.getDouble(i, labels[i]);
            int higher = 0;
            boolean finite = true;
            for (int c = 0; c < classes; c++) {
                double v = logits.getDouble(i, c);
                finite &= Double.isFinite(v);
                if (v > target || (v == target && c < labels[i])) {
                    higher++;
                }
            }
            // Every comparison with a NaN is false: without the check a NaN row would count as correct.
            hits[i] = finite && higher < k;
        }
        return hits;
    }

    @Override
    public void close() {
        if (clips.ownsLoader) {
            clips.loader.close();
        }
    }
}
