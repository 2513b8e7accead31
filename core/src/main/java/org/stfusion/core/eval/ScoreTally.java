package org.stfusion.core.eval;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.data.ClipBatches;

/**
 * Top-1, top-5 and non-finite counts of one network over validation batches, the ranked and the held-out items
 * apart, and the {@link Scorer.Score} they make.
 */
final class ScoreTally {
    private final boolean withTop5;
    private final HeldOut heldOut;
    private final long[] top1 = new long[2];
    private final long[] top5 = new long[2];
    private final long[] n = new long[2];
    private long nonFinite;

    ScoreTally(boolean withTop5, HeldOut heldOut) {
        this.withTop5 = withTop5;
        this.heldOut = heldOut;
    }

    /** Counts one batch's (view-averaged) logits. */
    void add(ClipBatches.Batch batch, INDArray logits) {
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

    /**
     * The score: over the ranked items, and the held-out items' top-1 apart; 0 for a network that produced a NaN or
     * an infinity (a broken network, whatever comparisons of NaNs would give).
     */
    Scorer.Score score() {
        if (n[0] + n[1] == 0) {
            return new Scorer.Score(Double.NaN, null);
        }
        Double heldOutTop1 = heldOut == null ? null : n[1] == 0 ? Double.NaN : top1[1] / (double) n[1];
        if (nonFinite > 0) {
            return new Scorer.Score(0, withTop5 ? 0.0 : null, nonFinite, heldOut == null ? null : 0.0);
        }
        double ranked = n[0] == 0 ? Double.NaN : top1[0] / (double) n[0];
        return new Scorer.Score(ranked, withTop5 ? top5[0] / (double) Math.max(1, n[0]) : null, 0, heldOutTop1);
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
}
