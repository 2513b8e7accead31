package org.stfusion.core.engine;

import java.util.List;
import org.stfusion.api.model.Shape;

/** A fusion position as built: its name, input shape, output channels and its gates (template only). */
public record PositionInfo(int index, String name, Shape input, int outChannels, List<Integer> gateIndices) {
}
