package org.stfusion.api.data;

/** Which part of a dataset: the training split or the held-out validation split used for scoring. */
public enum Split {
    TRAIN, VALIDATION;

    public String label() {
        return this == TRAIN ? "train" : "val";
    }
}
