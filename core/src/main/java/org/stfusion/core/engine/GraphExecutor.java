package org.stfusion.core.engine;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs one {@link NetworkGraph} over the arrays of its {@link ParameterStore}. Gate inputs are named as in
 * {@link GateInputs}: logistic noise for a RELAXED graph, 0/1 masks for a HARD one, nothing otherwise.
 */
public interface GraphExecutor {

    /** Outputs of one training step: loss terms, logits, and the gradient of every trained array the graph uses. */
    record Step(double loss, double crossEntropy, double regulariser, INDArray logits, Map<String, INDArray> gradients) {
    }

    /**
     * Forward and backward on one batch of a batch-statistics graph, then the batch statistics folded into the
     * running statistics (momentum 0.1, unbiased variance). Gradients stay valid until the next call.
     */
    Step trainStep(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs);

    /** Loss, cross-entropy and regulariser of a batch, without gradients or statistics updates. */
    double[] lossTerms(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs);

    /** Logits [batch, classes] (a fresh array). */
    INDArray logits(INDArray clips, Map<String, INDArray> gateInputs);

    /**
     * The batch mean and biased variance, each [1, C, 1, 1, 1], of every batch norm of a batch-statistics graph
     * for one forward pass; nothing is updated. With hard masks, an engine may leave out the batch norms inside
     * dropped paths (it need not run them).
     */
    Map<String, INDArray[]> batchStatistics(INDArray clips, Map<String, INDArray> gateInputs);

    /**
     * Until the returned handle is closed, evaluation keeps the values no gate affects (a backbone's stem) for
     * each input batch it sees, within {@code budgetBytes}, and reuses them when the same batch (the same array)
     * comes again: for scoring many strategies on one set of weights and statistics, which must not change while
     * the handle is open. Engines that cannot do it ignore the call.
     */
    default Sharing shareUngatedPrefix(long budgetBytes) {
        return () -> { };
    }

    /**
     * Until the returned handle is closed, evaluation with hard masks keeps the values at each fusion position's
     * boundary, and a pass on the same clips (the same array) resumes at the deepest boundary up to which its gates
     * and batch-norm statistics are those of the pass that kept it: for scoring many strategies on one batch, in
     * lexicographic order of their gates, so that a position is computed once per distinct prefix. Values are kept
     * for one batch at a time, within {@code budgetBytes}. Engines that cannot do it ignore the call.
     */
    default Sharing shareBetweenStrategies(long budgetBytes) {
        return () -> { };
    }

    /** An open {@link #shareUngatedPrefix} or {@link #shareBetweenStrategies} session. */
    interface Sharing extends AutoCloseable {
        /**
         * The gate inputs of the next pass on these clips (null: not known), so that a {@link #shareBetweenStrategies}
         * session keeps only the boundaries that pass can resume at; later passes never need deeper ones when
         * strategies come in lexicographic order of their gates.
         */
        default void nextWillBe(Map<String, INDArray> gateInputs) {
        }

        @Override
        void close();
    }
}
