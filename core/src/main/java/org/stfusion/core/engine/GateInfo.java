package org.stfusion.core.engine;

import java.util.List;

/**
 * One Variational DropPath gate: its index in the strategy vector (network order), position, and what it
 * gates: fusion path {@code pathIndex} (its whole input when {@code source} is -1, else only the channels
 * that came from the {@code source}-th concatenated input of the position), or, with {@code pathIndex}
 * {@link #LAYER}, the position's layer input gate "D1" (dropping it turns a dense layer into identity).
 * Also the drop-rate logit θ, the weights its regulariser's Σw² covers, and the forward MACs per clip of
 * what it gates.
 */
public record GateInfo(int index, String position, int pathIndex, String unitName, String thetaName,
                       List<String> weightNames, long macsPerClip, int source) {
    /** {@code pathIndex} of a layer (D1) gate. */
    public static final int LAYER = -1;
    /** {@code source} of a gate over the whole input. */
    public static final int WHOLE_INPUT = -1;

    public GateInfo(int index, String position, int pathIndex, String unitName, String thetaName,
                    List<String> weightNames, long macsPerClip) {
        this(index, position, pathIndex, unitName, thetaName, weightNames, macsPerClip, WHOLE_INPUT);
    }

    public boolean layerGate() {
        return pathIndex == LAYER;
    }
}
