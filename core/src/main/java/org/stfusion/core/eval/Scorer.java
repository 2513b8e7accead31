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
    /** What the executor may keep of one batch's passes to share them between strategies. */
    private static final long SHARING_BYTES = 512L << 20;
    /** Recalibrated statistics held at once: strategies beyond are scored in further rounds over the batches. */
    private static final long STATISTICS_BYTES = 256L << 20;

    private final TemplateNetwork net;
    private final Dataset dataset;
    private final int batchSize;
    private final int recalibrationBatches;
    private final ScoringClips clips;
    /** The shape of the validation clips (C x T x H x W), which scoring graphs are recorded at. */
    private final Shape validationShape;
    /** Validation items scored apart, not used to rank strategies; null: every item ranks. */
    private final HeldOut heldOut;

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
                new ScoringClips(dataset, new ClipBatches(dataset, net.store().dataType()), true, fitsCache(net, dataset)), null);
    }

    /** Reads clips through {@code loader}, which stays open when the scorer closes. */
    public Scorer(TemplateNetwork net, Dataset dataset, ClipBatches loader, int batchSize, int recalibrationBatches) {
        this(net, dataset, batchSize, recalibrationBatches, new ScoringClips(dataset, loader, false, fitsCache(net, dataset)), null);
    }

    private Scorer(TemplateNetwork net, Dataset dataset, int batchSize, int recalibrationBatches, ScoringClips clips,
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
        return clips.recalibration(recalibrationBatches, batchSize);
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
        ScoreTally tally = newTally();
        for (Iterator<ClipBatches.Batch> batches = batches(items); batches.hasNext(); ) {
            ClipBatches.Batch batch = batches.next();
            tally.add(batch, averageOverViews(graph.executor().logits(batch.clips(), masks), batch));
        }
        return tally.score();
    }

    /**
     * Scores of {@code strategies} on the first {@code items} validation clips, in their order, as {@link #score}
     * gives them one by one. Each validation batch is read once and run through every strategy in lexicographic
     * order of their path gates, so that the network's passes share their common prefixes (the stem, and every
     * fusion position up to the first where two strategies differ); with recalibration, the strategies' statistics
     * are estimated the same way first, as many strategies at a time as {@link #STATISTICS_BYTES} holds.
     */
    public List<Score> scoreAll(List<Strategy> strategies, int items) {
        Integer[] order = new Integer[strategies.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compare(strategies.get(a).pathKeep(), strategies.get(b).pathKeep()));
        Score[] scores = new Score[strategies.size()];
        int chunk = recalibrationBatches == 0 ? Math.max(1, order.length)
                : (int) Math.max(1, Math.min(order.length, STATISTICS_BYTES / Math.max(1, statisticsBytes())));
        for (int from = 0; from < order.length; from += chunk) {
            List<Integer> part = Arrays.asList(order).subList(from, Math.min(order.length, from + chunk));
            List<Score> partScores = scoreTogether(part.stream().map(strategies::get).toList(), items);
            for (int i = 0; i < part.size(); i++) {
                scores[part.get(i)] = partScores.get(i);
            }
        }
        return Arrays.asList(scores);
    }

    /** A strategy to score: 0/1 per path gate, 0/1 per classifier feature. */
    public record Strategy(boolean[] pathKeep, boolean[] featureKeep) {
    }

    private List<Score> scoreTogether(List<Strategy> strategies, int items) {
        BuiltGraph g = net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING), validationShape);
        List<Map<String, INDArray>> masks = strategies.stream().map(s -> net.hardMasks(s.pathKeep(), s.featureKeep())).toList();
        Map<String, INDArray> template = recalibrationBatches == 0 ? null : net.runningStatistics();
        List<Map<String, INDArray>> statistics = template == null ? null : net.recalibrated(recalibrationClips(), masks);
        List<ScoreTally> tallies = strategies.stream().map(s -> newTally()).toList();
        try {
            for (Iterator<ClipBatches.Batch> batches = batches(items); batches.hasNext(); ) {
                ClipBatches.Batch batch = batches.next();
                try (var shared = g.executor().shareBetweenStrategies(SHARING_BYTES)) {
                    for (int i = 0; i < strategies.size(); i++) {
                        shared.nextWillBe(i + 1 < strategies.size() ? masks.get(i + 1) : null);
                        if (statistics != null) {
                            install(template, statistics.get(i));
                        }
                        tallies.get(i).add(batch, averageOverViews(g.executor().logits(batch.clips(), masks.get(i)), batch));
                    }
                }
            }
        } finally {
            if (template != null) {
                net.restoreStatistics(template);
            }
        }
        return tallies.stream().map(ScoreTally::score).toList();
    }

    private ScoreTally newTally() {
        return new ScoreTally(dataset.inputSpec().classes() > 5, heldOut);
    }

    /** A strategy's recalibrated statistics, and the template's for the batch norms it does not run. */
    private void install(Map<String, INDArray> template, Map<String, INDArray> strategy) {
        template.forEach((name, values) -> net.store().state().get(name).assign(strategy.getOrDefault(name, values)));
    }

    private long statisticsBytes() {
        long elements = 0;
        for (var e : net.store().state().entrySet()) {
            if (e.getKey().endsWith(".runningMean") || e.getKey().endsWith(".runningVar")) {
                elements += e.getValue().length();
            }
        }
        return elements * net.store().dataType().width();
    }

    /** The validation batches holding the first {@code items} clips, the last one cut to fit. */
    private Iterator<ClipBatches.Batch> batches(int items) {
        Iterator<ClipBatches.Batch> all = batches();
        return new Iterator<>() {
            long taken;

            @Override
            public boolean hasNext() {
                return taken < items && all.hasNext();
            }

            @Override
            public ClipBatches.Batch next() {
                ClipBatches.Batch batch = all.next();
                if (taken + batch.size() > items) {
                    batch = batch.first((int) (items - taken));
                }
                taken += batch.size();
                return batch;
            }
        };
    }

    private Iterator<ClipBatches.Batch> batches() {
        return clips.validation(batchSize);
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
        for (boolean hit : ScoreTally.topKHits(logits, labels, k)) {
            correct += hit ? 1 : 0;
        }
        return correct;
    }

    @Override
    public void close() {
        clips.close();
    }
}
