package org.stfusion.api.report;

/**
 * How strategies were scored with the template's weights. {@value #RECALIBRATED}: every strategy's batch-norm
 * statistics are re-estimated first, on {@code bnRecalibrationBatches} training batches (the default; the
 * template's statistics were estimated with every path open and do not fit a sub-network). {@value #TEMPLATE}:
 * the template's own statistics, as in the paper (and in every results file written before this record).
 */
public record ScoringProtocol(String name, int bnRecalibrationBatches) {
    public static final String RECALIBRATED = "recalibrated";
    public static final String TEMPLATE = "template";

    /** The paper's protocol. */
    public static final ScoringProtocol TEMPLATE_STATISTICS = new ScoringProtocol(TEMPLATE, 0);

    public ScoringProtocol {
        if (!name.equals(RECALIBRATED) && !name.equals(TEMPLATE)) {
            throw new IllegalArgumentException("unknown scoring protocol " + name);
        }
        if (name.equals(RECALIBRATED) != bnRecalibrationBatches > 0) {
            throw new IllegalArgumentException(name + " with " + bnRecalibrationBatches + " recalibration batches");
        }
    }

    /** Recalibrated on {@code batches} training batches, or the template's statistics when 0. */
    public static ScoringProtocol of(int batches) {
        return batches > 0 ? new ScoringProtocol(RECALIBRATED, batches) : TEMPLATE_STATISTICS;
    }

    /** A short column label: "recalibrated" or "template BN". */
    public String label() {
        return name.equals(RECALIBRATED) ? "recalibrated" : "template BN";
    }

    /** One line for a report. */
    public String describe() {
        return name.equals(RECALIBRATED)
                ? "batch norm recalibrated per strategy on " + bnRecalibrationBatches + " training batches"
                : "the template's batch-norm statistics (the paper's protocol)";
    }
}
