package org.stfusion.core.engine;

import java.util.List;
import org.stfusion.api.model.Kernel3;

/**
 * What a {@link Node} of a {@link NetworkGraph} computes, per sample of the batch (NCDHW). Weights and batch-norm
 * state are referred to by their names in the {@link ParameterStore}. How gates compute their keep values and
 * whether batch norm uses batch or running statistics is the graph's {@link GraphVariant}, not the op's.
 */
public sealed interface Op {

    /** The clip batch. */
    record Input() implements Op {
    }

    /** Bias-free 3D convolution; weight [kT, kH, kW, in/groups, out]. */
    record Conv(String weight, Kernel3 kernel, Kernel3 stride, Kernel3 padding, int groups) implements Op {
    }

    /** Batch norm over (N, T, H, W): {@code name.gamma}, {@code name.beta}, {@code name.runningMean/Var}. */
    record BatchNorm(String name) implements Op {
    }

    record Relu() implements Op {
    }

    record Relu6() implements Op {
    }

    /** Max or average pooling; average pooling does not count padded cells. */
    record Pool(boolean max, Kernel3 kernel, Kernel3 stride, Kernel3 padding) implements Op {
    }

    /** Concatenation of the inputs along channels. */
    record Concat() implements Op {
    }

    /** Elementwise sum of the inputs (a fusion position's paths). */
    record Sum() implements Op {
    }

    /** Mean over (T, H, W). */
    record GlobalAvgPool() implements Op {
    }

    /**
     * The input times one keep value per sample of gate {@code gates[j]} on the channels of source {@code j}
     * ({@code channels[j]} of them, consecutive); a single gate over all channels is the usual DropPath.
     */
    record Gate(List<Integer> gates, List<Integer> channels) implements Op {
        public Gate {
            gates = List.copyOf(gates);
            channels = List.copyOf(channels);
        }

        public boolean wholeInput() {
            return gates.size() == 1;
        }
    }

    /** The input times a constant 0/1 per channel: a fixed path that reads only some sources. */
    record ChannelMask(List<Boolean> keep) implements Op {
        public ChannelMask {
            keep = List.copyOf(keep);
        }
    }

    /** Zeros of the node's shape (a position with no path, a skipped layer); the input only gives the batch. */
    record Zeros() implements Op {
    }

    /** features × weight [C, K] + bias [K]. */
    record Linear(String weight, String bias) implements Op {
    }

    /** The classifier's gate: one keep value per sample and feature, from θ {@code theta}. */
    record FeatureGate(String theta) implements Op {
    }

    /**
     * Dropout before the classifier in training: the features times a [batch, features] mask of 0 and 1/(1 − p)
     * given as the graph input {@link GateInputs#FC_DROPOUT} (drawn by the trainer, so that a resumed run draws
     * the same).
     */
    record Dropout() implements Op {
    }
}
