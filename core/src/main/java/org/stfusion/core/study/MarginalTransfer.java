package org.stfusion.core.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.stfusion.api.PluginRef;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.PositionMarginal;

/**
 * Carries per-position marginals from one network to another by relative depth, as the paper did by hand
 * for ResNet and ResNeXt ("S+ST in the first half and the last three layers, ST in between"): target
 * position j of M sits at depth (j + ½)/M, takes the source position at the same relative depth, and gets
 * the unit with the highest marginal there.
 */
public final class MarginalTransfer {
    private MarginalTransfer() {
    }

    public static StrategyDescriptor derive(List<PositionMarginal> source, PluginRef target, List<String> targetPositions,
                                            String id) {
        if (source.isEmpty()) {
            throw new IllegalArgumentException("the source results have no fusion positions");
        }
        List<String> units = new ArrayList<>();
        for (int j = 0; j < targetPositions.size(); j++) {
            double depth = (j + 0.5) / targetPositions.size();
            int i = Math.min(source.size() - 1, (int) Math.floor(depth * source.size()));
            units.add(mostLikely(source.get(i).unitMarginals()));
        }
        return new StrategyDescriptor(id, target, targetPositions, units, null);
    }

    private static String mostLikely(Map<String, Double> unitMarginals) {
        return unitMarginals.entrySet().stream().max(Comparator.comparingDouble(Map.Entry::getValue))
                .map(Map.Entry::getKey).orElseThrow();
    }
}
