package org.stfusion.datasets;

import java.util.SplittableRandom;

/**
 * Fast standard-normal noise: a 4096-entry table of normal quantiles at (i + 0.5) / 4096, rescaled to unit
 * variance, indexed by 12-bit slices of {@code nextLong} (five samples per call). About ten times faster than
 * {@code nextGaussian}, whose algorithm the JDK does not specify, so clips also stay the same across JDKs.
 * The values are truncated at about 3.5 sigma, which pixel noise does not need.
 */
final class GaussianNoise {
    private static final int BITS = 12;
    private static final int MASK = (1 << BITS) - 1;
    private static final int PER_LONG = Long.SIZE / BITS;
    private static final float[] TABLE = unitVarianceQuantiles(1 << BITS);

    private GaussianNoise() {
    }

    /** Adds sigma * N(0, 1) to every element. */
    static void add(float[] data, float sigma, SplittableRandom rng) {
        int i = 0;
        while (i < data.length) {
            long bits = rng.nextLong();
            int end = Math.min(data.length, i + PER_LONG);
            for (; i < end; i++, bits >>>= BITS) {
                data[i] += sigma * TABLE[(int) bits & MASK];
            }
        }
    }

    private static float[] unitVarianceQuantiles(int n) {
        double[] q = new double[n];
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            q[i] = inverseNormalCdf((i + 0.5) / n);
            sumSq += q[i] * q[i];
        }
        double scale = Math.sqrt(n / sumSq);
        float[] table = new float[n];
        for (int i = 0; i < n; i++) {
            table[i] = (float) (q[i] * scale);
        }
        return table;
    }

    /** Acklam's rational approximation of the normal quantile function (relative error below 1.2e-9). */
    static double inverseNormalCdf(double p) {
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        final double tail = 0.02425;
        if (p < tail) {
            double r = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5])
                    / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
        }
        if (p > 1 - tail) {
            return -inverseNormalCdf(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
