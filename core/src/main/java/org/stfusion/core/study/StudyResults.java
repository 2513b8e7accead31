package org.stfusion.core.study;

import java.util.List;
import java.util.Map;
import org.stfusion.core.run.Provenance;

/**
 * The paper's Table 2 for one run: each fixed network trained alone with the same budget, with its parameters and
 * MACs per clip, and how the template had scored the same strategy; plus the rank check. {@code plugins} names the
 * backbone, dataset and fusion units (with versions) the study was made with; {@code start} where the networks'
 * weights started, as the template's did ("from scratch", or "inflated from FILE"; null in older study files,
 * which all started from scratch). {@code kendallTau} is tau-b under the run's scoring protocol;
 * {@code rankCorrelation} gives it, with its bootstrap interval, under both protocols (template batch-norm
 * statistics and recalibrated), by protocol name.
 */
public record StudyResults(Provenance plugins, List<Row> rows, List<RankPoint> rankCheck, Double kendallTau,
                           int epochs, String start, Map<String, Tau> rankCorrelation) {

    public StudyResults(Provenance plugins, List<Row> rows, List<RankPoint> rankCheck, Double kendallTau, int epochs,
                        String start) {
        this(plugins, rows, rankCheck, kendallTau, epochs, start, null);
    }

    /** One network: {@code templateTop1} is its score with the template's weights (no retraining). */
    public record Row(String name, List<String> units, long parameters, long macsPerClip, double top1, Double top5,
                      Double templateTop1) {
    }

    /**
     * A sampled strategy scored both ways, for Kendall's tau: {@code templateRank} is its place among the distinct
     * sampled strategies ranked by the template (1 = best), {@code templateTop1} its template score under the
     * run's protocol and {@code templateTop1ByProtocol} under both, each on the whole validation set.
     */
    public record RankPoint(String id, double templateTop1, double standaloneTop1, Integer templateRank,
                            Map<String, Double> templateTop1ByProtocol) {
        public RankPoint(String id, double templateTop1, double standaloneTop1) {
            this(id, templateTop1, standaloneTop1, null, null);
        }
    }

    /**
     * Kendall's tau-b between template and standalone top-1 over {@code points} strategies, with the 2.5 % and
     * 97.5 % percentiles of {@code resamples} bootstrap resamples (null when too few resamples had a defined tau).
     */
    public record Tau(double tau, Double low, Double high, int points, int resamples) {
    }
}
