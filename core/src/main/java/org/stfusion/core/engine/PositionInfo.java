package org.stfusion.core.engine;

import java.util.List;
import org.stfusion.api.model.Shape;

/**
 * A fusion position as built: its name, input shape, output channels, which configured paths exist, and
 * their gates (index per path; -1 where the path is absent or ungated).
 */
public record PositionInfo(int index, String name, Shape input, int outChannels, List<Boolean> pathsPresent,
                           List<Integer> gateIndices) {
}
