package org.stfusion.core.engine.kernels;

import java.util.Arrays;

/** {@link ChunkMath} over double arrays (a copy of {@link FloatChunkMath} with the element type changed: generics would box). */
final class DoubleChunkMath extends ChunkMath {
    private final double[][] slot = new double[SLOTS][WIDTH];
    private final double[] tmp = new double[WIDTH];
    private double[][] lanes = new double[0][];

    @Override
    double round(double v) {
        return v;
    }

    @Override
    void load(ChannelRuns a, int n, int c, int from, int len, int s) {
        a.doubles.get(a.at(n, c, from), slot[s], 0, len);
    }

    @Override
    void store(int s, ChannelRuns a, int n, int c, int from, int len) {
        a.doubles.put(a.at(n, c, from), slot[s], 0, len);
    }

    @Override
    void growLanes(int count) {
        if (lanes.length < count) {
            lanes = Arrays.copyOf(lanes, count);
            for (int i = 0; i < count; i++) {
                if (lanes[i] == null) {
                    lanes[i] = new double[WIDTH];
                }
            }
        }
    }

    @Override
    void clearLanes(int count, int len) {
        for (int i = 0; i < count; i++) {
            Arrays.fill(lanes[i], 0, len, 0d);
        }
    }

    @Override
    double drainLane(int lane, int len) {
        double[] v = lanes[lane];
        int n = len;
        while (n > 32) {
            int half = n >>> 1;
            System.arraycopy(v, n - half, tmp, 0, half);
            add(v, tmp, half);
            n -= half;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += v[j];
        }
        Arrays.fill(v, 0, len, 0d);
        return sum;
    }

    private static void add(double[] v, double[] w, int len) {
        for (int j = 0; j < len; j++) {
            v[j] += w[j];
        }
    }

    @Override
    void accumulateMoments(double shift, int lane, int len) {
        double[] x = slot[X];
        double[] s = lanes[lane];
        double[] q = lanes[lane + 1];
        for (int j = 0; j < len; j++) {
            double t = x[j] - shift;
            s[j] += t;
            q[j] += t * t;
        }
    }

    @Override
    void normalize(boolean relu, double a, double b, double scale, int len) {
        double[] x = slot[X];
        double[] y = slot[OUT];
        if (relu) {
            for (int j = 0; j < len; j++) {
                y[j] = Math.max(a * x[j] + b, 0d) * scale;
            }
        } else {
            for (int j = 0; j < len; j++) {
                y[j] = (a * x[j] + b) * scale;
            }
        }
    }

    @Override
    void accumulateGradient(boolean relu, double a, double b, double mean, int lane, int len) {
        double[] x = slot[X];
        double[] g = slot[G];
        double[] s1 = lanes[lane];
        double[] s2 = lanes[lane + 1];
        if (relu) {
            for (int j = 0; j < len; j++) {
                double xj = x[j];
                double m = g[j] * Math.min(Math.max(a * xj + b, 0d) * STEP_A_D * STEP_B_D, 1d);
                s1[j] += m;
                s2[j] += m * (xj - mean);
            }
        } else {
            for (int j = 0; j < len; j++) {
                double m = g[j];
                s1[j] += m;
                s2[j] += m * (x[j] - mean);
            }
        }
    }

    @Override
    void inputGradient(boolean relu, double a, double b, double coefficient, double mean, double slope,
                       double constant, int len) {
        double[] x = slot[X];
        double[] g = slot[G];
        double[] out = slot[OUT];
        if (relu) {
            for (int j = 0; j < len; j++) {
                double xj = x[j];
                out[j] = constant - slope * (xj - mean)
                        + coefficient * g[j] * Math.min(Math.max(a * xj + b, 0d) * STEP_A_D * STEP_B_D, 1d);
            }
        } else {
            for (int j = 0; j < len; j++) {
                out[j] = constant - slope * (x[j] - mean) + coefficient * g[j];
            }
        }
    }

    @Override
    void addInputGradient(boolean relu, double a, double b, double coefficient, int len) {
        double[] x = slot[X];
        double[] g = slot[G];
        double[] out = slot[OUT];
        if (relu) {
            for (int j = 0; j < len; j++) {
                out[j] += coefficient * g[j] * Math.min(Math.max(a * x[j] + b, 0d) * STEP_A_D * STEP_B_D, 1d);
            }
        } else {
            for (int j = 0; j < len; j++) {
                out[j] += coefficient * g[j];
            }
        }
    }

    @Override
    void addOld(int len) {
        add(slot[OUT], slot[OLD], len);
    }

    @Override
    void relu(int len) {
        double[] x = slot[X];
        double[] out = slot[OUT];
        for (int j = 0; j < len; j++) {
            out[j] = Math.max(x[j], 0d);
        }
    }

    @Override
    void reluGradient(int len) {
        double[] x = slot[X];
        double[] g = slot[G];
        double[] out = slot[OUT];
        for (int j = 0; j < len; j++) {
            out[j] = g[j] * Math.min(Math.max(x[j], 0d) * STEP_A_D * STEP_B_D, 1);
        }
    }

    @Override
    void sum(int len) {
        double[] x = slot[X];
        double[] g = slot[G];
        double[] out = slot[OUT];
        for (int j = 0; j < len; j++) {
            out[j] = x[j] + g[j];
        }
    }

    @Override
    void clearOut(int len) {
        Arrays.fill(slot[OUT], 0, len, 0d);
    }

    @Override
    void fillOut(double v, int len) {
        Arrays.fill(slot[OUT], 0, len, v);
    }

    @Override
    double dot(int len) {
        double[] x = slot[X];
        double[] g = slot[G];
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += (double) x[j] * g[j];
        }
        return sum;
    }

    @Override
    double sumX(int len) {
        double[] x = slot[X];
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += x[j];
        }
        return sum;
    }
}
