package org.stfusion.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.data.ClipBatches;

class MultiViewScoringTest {

    @Test
    void anItemIsJudgedByItsMeanProbabilityOverViews() {
        // Two views of one item: view 0 gives class 0 p = 0.9, view 1 gives class 1 p = 0.6.
        INDArray logits = Nd4j.create(new double[][] {{Math.log(9), 0}, {0, Math.log(1.5)}}).castTo(DataType.FLOAT);
        var batch = new ClipBatches.Batch(Nd4j.zeros(2, 1), Nd4j.zeros(1, 2), new int[] {0}, 2);
        INDArray averaged = Scorer.averageOverViews(logits, batch);
        assertEquals(1, averaged.size(0));
        assertEquals(Math.log((0.9 + 0.4) / 2), averaged.getDouble(0, 0), 1e-5);
        assertEquals(Math.log((0.1 + 0.6) / 2), averaged.getDouble(0, 1), 1e-5);
        assertEquals(1, Scorer.topKCorrect(averaged, new int[] {0}, 1));
    }

    @Test
    void oneViewLeavesTheLogitsAlone() {
        INDArray logits = Nd4j.create(new float[][] {{1, 2}});
        var batch = new ClipBatches.Batch(Nd4j.zeros(1, 1), Nd4j.zeros(1, 2), new int[] {1}, 1);
        assertEquals(logits, Scorer.averageOverViews(logits, batch));
    }
}
