package org.stfusion.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.stfusion.api.model.Shape;

/**
 * A fusion position as built: its name, input shape, output channels, which configured paths exist, the
 * gates of each path (one per path, or one per (path, source) when drop rates are per source; empty where
 * the path is absent or ungated), its layer gate "D1" ({@code -1} if none), whether its layer adds features
 * ({@code layerKept}, false only in a fixed network that skips it), per path the sources it reads (empty = all),
 * and per path the trained arrays made for it (its batch norm's, its gates' θ and its convolutions' weights, in the
 * order made; empty where the path is absent).
 */
public record PositionInfo(int index, String name, Shape input, int outChannels, List<Boolean> pathsPresent,
                           List<List<Integer>> pathGates, int layerGate, boolean layerKept,
                           List<List<Integer>> pathSources, List<List<String>> pathParameters) {

    public PositionInfo {
        pathsPresent = List.copyOf(pathsPresent);
        pathGates = pathGates.stream().map(List::copyOf).toList();
        pathSources = pathSources.stream().map(List::copyOf).toList();
        pathParameters = pathParameters.stream().map(List::copyOf).toList();
    }

    /** One gate per path ({@code -1} = none), no layer gate, everything read, no parameters recorded. */
    public PositionInfo(int index, String name, Shape input, int outChannels, List<Boolean> pathsPresent,
                        List<Integer> gateIndices) {
        this(index, name, input, outChannels, pathsPresent, perPath(gateIndices), -1, true,
                gateIndices.stream().map(g -> List.<Integer>of()).toList(),
                gateIndices.stream().map(g -> List.<String>of()).toList());
    }

    private static List<List<Integer>> perPath(List<Integer> gateIndices) {
        List<List<Integer>> out = new ArrayList<>();
        for (int g : gateIndices) {
            out.add(g < 0 ? List.of() : List.of(g));
        }
        return out;
    }

    /** Every gate of this position's paths, in path order. */
    public List<Integer> allPathGates() {
        return pathGates.stream().flatMap(List::stream).toList();
    }

    PositionInfo withLayerGate(int gate) {
        return new PositionInfo(index, name, input, outChannels, pathsPresent, pathGates, gate, layerKept, pathSources,
                pathParameters);
    }

    PositionInfo withLayerKept(boolean kept) {
        return new PositionInfo(index, name, input, outChannels, pathsPresent, pathGates, layerGate, kept, pathSources,
                pathParameters);
    }
}
