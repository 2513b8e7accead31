package org.stfusion.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** A NaN compares false with everything: without care a broken network would be scored 100 % correct. */
class NonFiniteLogitsTest {
    @Test
    void aRowWithANonFiniteLogitIsNeverCorrect() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        var logits = Nd4j.create(new double[][] {{1, 2, 3}, {nan, nan, nan}, {0, nan, 5}, {inf, 0, 0}, {-inf, 0, 1}});
        int[] labels = {2, 0, 2, 0, 2};
        assertEquals(1, Scorer.topKCorrect(logits, labels, 1));
        assertEquals(1, Scorer.topKCorrect(logits, labels, 3), "not even among the top k");
    }
}
