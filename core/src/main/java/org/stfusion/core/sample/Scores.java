package org.stfusion.core.sample;

import java.util.List;
import java.util.Map;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.run.Provenance;

/**
 * Core's record of a scoring pass ({@code scores.json}), so that {@code analyze} can run again without
 * rescoring: the sampled strategies sorted best first, the named all-unit ones, and what successive halving
 * saved (null when it was off). {@code plugins} is the provenance of the template that was scored; {@code protocol}
 * how (absent in files written before it existed: the template's statistics).
 */
public record Scores(Provenance plugins, List<StrategyResult> strategies, Map<String, StrategyResult> named,
                     Map<String, Object> successiveHalving, ScoringProtocol protocol) {

    public Scores {
        protocol = protocol == null ? ScoringProtocol.TEMPLATE_STATISTICS : protocol;
    }

    /** The best sampled strategy ("Opt"), or null when none was sampled. */
    public StrategyResult best() {
        return strategies.isEmpty() ? null : strategies.get(0);
    }
}
