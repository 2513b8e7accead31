package org.stfusion.api.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.PluginRef;

/**
 * A fusion strategy as a plain value: the backbone it belongs to (name and version), the unit at every
 * fusion position ("S", "ST", "S+ST", {@value #NONE} when no path is kept, {@value #SKIP} when the layer gate
 * D1 is dropped and the layer adds nothing), and the seed it was drawn with (absent for hand-made or named
 * strategies). With drop rates per (path, source), {@code sources} lists, by position and path unit name,
 * the sources (0-based concatenated inputs) a kept path still reads when it does not read them all.
 * Serialised as JSON; materialised into a standalone network by core.
 */
public record StrategyDescriptor(String id, PluginRef backbone, List<String> positions, List<String> units, Long seed,
                                 Map<String, Map<String, List<Integer>>> sources) {
    public static final String NONE = "none";
    public static final String SKIP = "skip";

    public StrategyDescriptor {
        positions = List.copyOf(positions);
        units = List.copyOf(units);
        if (positions.size() != units.size()) {
            throw new IllegalArgumentException(positions.size() + " positions but " + units.size() + " units");
        }
        Map<String, Map<String, List<Integer>>> copy = new LinkedHashMap<>();
        if (sources != null) {
            for (var e : sources.entrySet()) {
                if (!positions.contains(e.getKey())) {
                    throw new IllegalArgumentException("sources name position '" + e.getKey()
                            + "', which the strategy does not have");
                }
                Map<String, List<Integer>> inner = new LinkedHashMap<>();
                e.getValue().forEach((unit, kept) -> inner.put(unit, List.copyOf(kept)));
                copy.put(e.getKey(), java.util.Collections.unmodifiableMap(inner));
            }
        }
        sources = java.util.Collections.unmodifiableMap(copy);
    }

    /** A strategy whose kept paths read all their sources. */
    public StrategyDescriptor(String id, PluginRef backbone, List<String> positions, List<String> units, Long seed) {
        this(id, backbone, positions, units, seed, Map.of());
    }

    /** The unit at a named position. */
    public String unitAt(String position) {
        int i = positions.indexOf(position);
        if (i < 0) {
            throw new IllegalArgumentException("no fusion position '" + position + "' in strategy " + id);
        }
        return units.get(i);
    }

    /** The sources path {@code unit} reads at {@code position}, or null when it reads them all. */
    public List<Integer> sourcesOf(String position, String unit) {
        return sources.getOrDefault(position, Map.of()).get(unit);
    }
}
