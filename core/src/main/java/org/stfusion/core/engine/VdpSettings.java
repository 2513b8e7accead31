package org.stfusion.core.engine;

/**
 * Variational DropPath constants (paper Eq. 5, supplement Eq. S13; values as in the authors' code): initial
 * drop rate, relaxation temperature, the regulariser's length-scale k and training-set size N, which form of the
 * regulariser to use, whether layers get the input gate D1 ({@code layerGates}), and whether paths learn one
 * drop rate per source of their concatenated input ({@code perSource}) instead of one per path.
 */
public record VdpSettings(double pInit, double temperature, double lengthScale, long trainingSize, Regulariser form,
                          boolean layerGates, boolean perSource) {

    /**
     * {@code CODE} (default): {@code (k/N)(1-p)Σw² + (C/N)(p ln p + (1-p) ln(1-p))}, what produced the paper's
     * numbers. {@code PAPER} (Eq. 5): {@code k²(1-p)/(2N)·Σw² + (C/N)·p ln p}. C = 1 for a path, C_in for the
     * classifier's feature gate.
     */
    public enum Regulariser {
        CODE, PAPER;

        public String formula() {
            return this == CODE ? "code: (k/N)(1-p)Σw² + (C/N)(p ln p + (1-p) ln(1-p))"
                    : "paper Eq. 5: k²(1-p)/(2N)·Σw² + (C/N)·p ln p";
        }
    }

    public VdpSettings(double pInit, double temperature, double lengthScale, long trainingSize) {
        this(pInit, temperature, lengthScale, trainingSize, Regulariser.CODE);
    }

    /** The paper's gate layout: one gate per path, no D1. */
    public VdpSettings(double pInit, double temperature, double lengthScale, long trainingSize, Regulariser form) {
        this(pInit, temperature, lengthScale, trainingSize, form, false, false);
    }

    public static VdpSettings defaults(long trainingSize) {
        return new VdpSettings(0.1, 0.2, 1.0, trainingSize);
    }

    public double thetaInit() {
        return Math.log(pInit / (1 - pInit));
    }
}
