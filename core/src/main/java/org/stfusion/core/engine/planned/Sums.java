package org.stfusion.core.engine.planned;

import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.kernels.ElementwiseKernels;

/**
 * Sums of the planned engine. The inputs a sum alone reads live in its buffer ({@link Layout#sumAliased}): the first
 * writes it, a later convolution adds its output to it; the sum adds the other inputs. In evaluation with hard masks,
 * dropped inputs are skipped, so what is in the buffer depends on the pass.
 */
final class Sums {
    private Sums() {
    }

    /**
     * Whether convolution {@code id} adds its output to its sum's buffer in this pass rather than writing it: it is a
     * {@link Layout#sumAdded} input and an earlier input living in that buffer was computed (not skipped).
     */
    static boolean addsInto(Layout layout, Pass run, int id) {
        if (!layout.sumAdded[id]) {
            return false;
        }
        Node sum = layout.graph.node(layout.consumers[id][0]);
        for (int in : sum.inputs()) {
            if (in == id) {
                return false;
            }
            if (layout.sumAliased[in] && !run.skipped[in]) {
                return true;
            }
        }
        return false;
    }

    /** The sum of {@code node}'s inputs that are not skipped, in its buffer; zero when all are. */
    static void forward(Layout layout, Pass run, Node node) {
        int id = node.id();
        boolean inBuffer = false;
        for (int in : node.inputs()) {
            inBuffer |= layout.sumAliased[in] && !run.skipped[in];
        }
        for (int in : node.inputs()) {
            if (run.skipped[in] || layout.sumAliased[in]) {
                continue;
            }
            if (inBuffer) {
                ElementwiseKernels.addInPlace(run.value[id], run.value[in]);
            } else {
                Elementwise.copy(run.value[in], run.value[id]);
                inBuffer = true;
            }
        }
        if (!inBuffer) {
            run.value[id].assign(0);
        }
    }
}
