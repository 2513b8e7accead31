package org.stfusion.core.engine;

import org.nd4j.linalg.api.buffer.DataType;

/** The floating-point type a network computes in: float for runs, double for numerical checks. */
public enum Precision {
    FLOAT(DataType.FLOAT), DOUBLE(DataType.DOUBLE);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }
}
