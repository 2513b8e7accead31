package org.stfusion.core.engine;

import java.util.List;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;

/**
 * One value of a {@link NetworkGraph}: what computes it, from which nodes, and its per-sample shape.
 * {@code sources} are the channel counts of the inputs a concatenation joined (one entry otherwise), so that
 * drop rates can be learnt per source.
 */
public record Node(int id, Op op, List<Integer> inputs, Shape shape, List<Integer> sources) implements Tensor {
    public Node {
        inputs = List.copyOf(inputs);
        sources = List.copyOf(sources);
    }

    public int input() {
        return inputs.get(0);
    }
}
