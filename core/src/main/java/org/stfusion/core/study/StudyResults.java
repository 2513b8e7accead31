package org.stfusion.core.study;

import java.util.List;
import org.stfusion.core.run.Provenance;

/**
 * The paper's Table 2 for one run: each fixed network trained alone with the same budget, with its parameters and
 * MACs per clip, and how the template had scored the same strategy; plus the rank check. {@code plugins} names the
 * backbone, dataset and fusion units (with versions) the study was made with; {@code start} where the networks'
 * weights started, as the template's did ("from scratch", or "inflated from FILE"; null in older study files,
 * which all started from scratch).
 */
public record StudyResults(Provenance plugins, List<Row> rows, List<RankPoint> rankCheck, Double kendallTau,
                           int epochs, String start) {

    /** One network: {@code templateTop1} is its score with the template's weights (no retraining). */
    public record Row(String name, List<String> units, long parameters, long macsPerClip, double top1, Double top5,
                      Double templateTop1) {
    }

    /** A sampled strategy scored both ways, for Kendall's tau. */
    public record RankPoint(String id, double templateTop1, double standaloneTop1) {
    }
}
