package org.stfusion.core.network;

import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.planned.PlannedExecutor;
import org.stfusion.core.engine.samediff.SameDiffExecutor;

/** Which engine runs the networks' graphs. */
public enum Engine {
    /** Native kernels over buffers planned once per graph, with hand-written backward passes. */
    PLANNED {
        @Override
        public GraphExecutor compile(NetworkGraph graph, ParameterStore store) {
            return new PlannedExecutor(graph, store);
        }
    },
    /** SameDiff deriving every gradient: slow, and the reference the other engines are tested against. */
    SAMEDIFF {
        @Override
        public GraphExecutor compile(NetworkGraph graph, ParameterStore store) {
            return new SameDiffExecutor(graph, store);
        }
    };

    /** The engine networks use unless told otherwise. */
    public static final Engine DEFAULT = PLANNED;

    /** An executor of {@code graph} over the arrays of {@code store}. */
    public abstract GraphExecutor compile(NetworkGraph graph, ParameterStore store);
}
