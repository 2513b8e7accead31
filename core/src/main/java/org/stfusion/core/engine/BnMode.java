package org.stfusion.core.engine;

/** Batch normalisation with the batch's statistics (training) or the running statistics (evaluation). */
public enum BnMode {
    BATCH, RUNNING
}
