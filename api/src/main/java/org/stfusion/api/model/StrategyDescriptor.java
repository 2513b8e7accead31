package org.stfusion.api.model;

import java.util.List;
import org.stfusion.api.PluginRef;

/**
 * A fusion strategy as a plain value: the backbone it belongs to (name and version), the unit at every
 * fusion position ("S", "ST", "S+ST" or "none"), and the seed it was drawn with (absent for hand-made or
 * named strategies). Serialised as JSON; materialised into a standalone network by core.
 */
public record StrategyDescriptor(String id, PluginRef backbone, List<String> positions, List<String> units, Long seed) {
    public StrategyDescriptor {
        positions = List.copyOf(positions);
        units = List.copyOf(units);
        if (positions.size() != units.size()) {
            throw new IllegalArgumentException(positions.size() + " positions but " + units.size() + " units");
        }
    }

    /** The unit at a named position. */
    public String unitAt(String position) {
        int i = positions.indexOf(position);
        if (i < 0) {
            throw new IllegalArgumentException("no fusion position '" + position + "' in strategy " + id);
        }
        return units.get(i);
    }
}
