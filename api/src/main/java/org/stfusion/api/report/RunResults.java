package org.stfusion.api.report;

import java.util.List;
import java.util.Map;
import org.stfusion.api.PluginRef;

/**
 * Everything a run concludes. {@code strategies} are the sampled strategies sorted by top-1 (best first);
 * {@code named} holds the all-S, all-ST and all-S+ST strategies scored the same way; {@code best} is the
 * best sampled one ("Opt"). {@code scoring} says how they were scored (absent in files written before it existed,
 * which were scored with the template's statistics). {@code format} names the layout ({@link #FORMAT}; absent in
 * files written before positions were keyed by unit name).
 */
public record RunResults(String format, PluginRef backbone, DatasetSummary dataset, List<PluginRef> fusionUnits,
                         Map<String, Object> backboneSettings, long parameters, long templateMacsPerClip,
                         List<PositionMarginal> positions, List<StrategyResult> strategies,
                         Map<String, StrategyResult> named, StrategyResult best, ScoringProtocol scoring,
                         Map<String, Object> training) {
    /** The current layout of results.json. */
    public static final String FORMAT = "stfusion-results/4";

    /** How the strategies were scored; the template's statistics for files that do not say. */
    public ScoringProtocol scoringProtocol() {
        return scoring == null ? ScoringProtocol.TEMPLATE_STATISTICS : scoring;
    }
}
