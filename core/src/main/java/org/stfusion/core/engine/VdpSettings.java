package org.stfusion.core.engine;

/**
 * Variational DropPath constants (spec §2.2, §7): initial drop rate, relaxation temperature, and the
 * regulariser's length-scale k and training-set size N, code form
 * {@code (k/N)(1-p)Σw² + (C/N)(p ln p + (1-p) ln(1-p))}.
 */
public record VdpSettings(double pInit, double temperature, double lengthScale, long trainingSize) {
    public static VdpSettings defaults(long trainingSize) {
        return new VdpSettings(0.1, 0.2, 1.0, trainingSize);
    }

    public double thetaInit() {
        return Math.log(pInit / (1 - pInit));
    }
}
