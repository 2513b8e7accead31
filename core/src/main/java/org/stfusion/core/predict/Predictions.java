package org.stfusion.core.predict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The classes a network ranks highest for each clip, with their softmax probabilities. */
public final class Predictions {
    private Predictions() {
    }

    /** One class of one clip: its index, name, probability and logit. */
    public record Ranked(int index, String name, double probability, double logit) {
    }

    /** The {@code k} most probable classes of every row of {@code logits} [N, classes], most probable first. */
    public static List<List<Ranked>> top(INDArray logits, List<String> classNames, int k) {
        List<List<Ranked>> out = new ArrayList<>();
        int classes = (int) logits.size(1);
        for (long i = 0; i < logits.size(0); i++) {
            double[] z = new double[classes];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                z[c] = logits.getDouble(i, c);
                max = Math.max(max, z[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(z[c] - max); // shifted by the maximum so that exp cannot overflow
            }
            List<Ranked> row = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                row.add(new Ranked(c, classNames.get(c), Math.exp(z[c] - max) / sum, z[c]));
            }
            row.sort(Comparator.comparingDouble((Ranked r) -> -r.logit()).thenComparingInt(Ranked::index));
            out.add(List.copyOf(row.subList(0, Math.min(k, classes))));
        }
        return out;
    }
}
