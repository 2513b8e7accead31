package org.stfusion.core.network;

import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.planned.PlannedExecutor;
import org.stfusion.core.engine.samediff.SameDiffExecutor;

/** Which engine runs the networks' graphs. */
public enum Engine {
    /**
     * Native kernels over buffers planned once per graph, with hand-written backward passes. CPU backend only: its
     * own kernels read and write the arrays' host memory.
     */
    PLANNED {
        @Override
        public GraphExecutor compile(NetworkGraph graph, ParameterStore store) {
            if (!runsOnCurrentBackend()) {
                throw new IllegalStateException("the planned engine needs ND4J's CPU backend, not "
                        + Nd4j.getBackend().getClass().getSimpleName() + "; use the SameDiff engine");
            }
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

    /** The engine networks use unless told otherwise: planned on the CPU backend, SameDiff on CUDA. */
    public static Engine forCurrentBackend() {
        return cpuBackend() ? PLANNED : SAMEDIFF;
    }

    /** Whether this engine can run on the ND4J backend loaded in this process. */
    public boolean runsOnCurrentBackend() {
        return this != PLANNED || cpuBackend();
    }

    private static boolean cpuBackend() {
        return Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu");
    }

    /** An executor of {@code graph} over the arrays of {@code store}. */
    public abstract GraphExecutor compile(NetworkGraph graph, ParameterStore store);
}
