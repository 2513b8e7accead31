package org.stfusion.core.engine;

import java.util.List;

/**
 * One gated fusion path: its index in the strategy vector (network order, paths of a position in config
 * order), position, path, the drop-rate logit θ and the weights the regulariser's Σw² covers, and the
 * forward MACs per clip the path costs when kept.
 */
public record GateInfo(int index, String position, int pathIndex, String unitName, String thetaName,
                       List<String> weightNames, long macsPerClip) {
}
