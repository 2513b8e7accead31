package org.stfusion.core.engine.kernels;

import java.util.Arrays;

/**
 * Per-thread scratch and the inner loops of the Java kernels, one subclass per data type.
 *
 * <p>A run of an (n, c) pair is processed in chunks of at most {@link #WIDTH} elements that are
 * bulk-copied into Java arrays: C2 vectorises simple counted loops over arrays indexed from 0, but not
 * loops over a direct buffer, nor (reliably) loops that index an array with a run-time offset. Sums go into arrays of
 * lanes ({@code lane[j] += v[j]} vectorises, a scalar reduction does not); the lanes are added
 * pairwise into double {@link #sums} every few chunks, which keeps float sums accurate.
 *
 * <p>Slots: {@code X} the input chunk, {@code G} a gradient chunk, {@code OUT} the result chunk and
 * {@code OLD} the previous content of an accumulated output. Lanes come in pairs, one pair per branch.
 */
abstract class ChunkMath {

    /** Chunk length: a few chunks and lanes together stay in L1. */
    static final int WIDTH = 1024;
    /** Lanes are drained into {@link #sums} at least every this many chunks, so each holds few addends. */
    static final int DRAIN_CHUNKS = 32;

    static final int X = 0;
    static final int G = 1;
    static final int OUT = 2;
    static final int OLD = 3;
    static final int SLOTS = 4;

    private static final ThreadLocal<ChunkMath> F32_SCRATCH = ThreadLocal.withInitial(F32::new);
    private static final ThreadLocal<ChunkMath> F64_SCRATCH = ThreadLocal.withInitial(F64::new);

    // step(h) = min(max(h, 0) * A * B, 1) is 1 for every h > 0 (subnormals included) and 0 otherwise;
    // unlike "h > 0 ? 1 : 0" it vectorises (C2 in JDK 17 does not vectorise conditional moves).
    static final float STEP_A_F = 0x1p127f;
    static final float STEP_B_F = 0x1p24f;
    static final double STEP_A_D = 0x1p1023;
    static final double STEP_B_D = 0x1p52;

    /** This thread's scratch for arrays of the element type of {@code a}. */
    static ChunkMath forThread(ChannelRuns a) {
        return (a.isFloat() ? F32_SCRATCH : F64_SCRATCH).get();
    }

    /** Double totals of the lanes, one per lane. */
    double[] sums = new double[0];

    /** {@code v} rounded to the element type, as the loops use it. */
    abstract double round(double v);

    abstract void load(ChannelRuns a, int n, int c, int from, int len, int slot);

    abstract void store(int slot, ChannelRuns a, int n, int c, int from, int len);

    /** Makes sure that {@code count} lanes exist and zeroes their first {@code len} elements and their sums. */
    final void resetLanes(int count, int len) {
        if (sums.length < count) {
            sums = new double[count];
            growLanes(count);
        }
        Arrays.fill(sums, 0, count, 0);
        clearLanes(count, len);
    }

    /** Adds each of the first {@code count} lanes into its sum and zeroes it. */
    final void drainLanes(int count, int len) {
        for (int l = 0; l < count; l++) {
            sums[l] += drainLane(l, len);
        }
    }

    abstract void growLanes(int count);

    abstract void clearLanes(int count, int len);

    /** Returns the sum of lane {@code lane}[0, len) and leaves the lane zero. */
    abstract double drainLane(int lane, int len);

    /** lane[l] += X - shift, lane[l + 1] += (X - shift)^2. */
    abstract void accumulateMoments(double shift, int lane, int len);

    /** OUT = act(a * X + b) * scale. */
    abstract void normalize(boolean relu, double a, double b, double scale, int len);

    /** With m = G * act'(a * X + b): lane[l] += m, lane[l + 1] += m * (X - mean). */
    abstract void accumulateGradient(boolean relu, double a, double b, double mean, int lane, int len);

    /** OUT = constant - slope * (X - mean) + coefficient * G * act'(a * X + b). */
    abstract void inputGradient(boolean relu, double a, double b, double coefficient, double mean, double slope,
                                double constant, int len);

    /** OUT += coefficient * G * act'(a * X + b). */
    abstract void addInputGradient(boolean relu, double a, double b, double coefficient, int len);

    /** OUT += OLD. */
    abstract void addOld(int len);

    /** OUT = max(X, 0). */
    abstract void relu(int len);

    /** OUT = G where X > 0, else 0. */
    abstract void reluGradient(int len);

    /** OUT = X + G. */
    abstract void sum(int len);

    /** OUT = 0. */
    abstract void clearOut(int len);

    static final class F32 extends ChunkMath {
        private final float[][] slot = new float[SLOTS][WIDTH];
        private final float[] tmp = new float[WIDTH];
        private float[][] lanes = new float[0][];

        @Override
        double round(double v) {
            return (float) v;
        }

        @Override
        void load(ChannelRuns a, int n, int c, int from, int len, int s) {
            a.floats.get(a.at(n, c, from), slot[s], 0, len);
        }

        @Override
        void store(int s, ChannelRuns a, int n, int c, int from, int len) {
            a.floats.put(a.at(n, c, from), slot[s], 0, len);
        }

        @Override
        void growLanes(int count) {
            if (lanes.length < count) {
                lanes = Arrays.copyOf(lanes, count);
                for (int i = 0; i < count; i++) {
                    if (lanes[i] == null) {
                        lanes[i] = new float[WIDTH];
                    }
                }
            }
        }

        @Override
        void clearLanes(int count, int len) {
            for (int i = 0; i < count; i++) {
                Arrays.fill(lanes[i], 0, len, 0f);
            }
        }

        @Override
        double drainLane(int lane, int len) {
            float[] v = lanes[lane];
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
            Arrays.fill(v, 0, len, 0f);
            return sum;
        }

        private static void add(float[] v, float[] w, int len) {
            for (int j = 0; j < len; j++) {
                v[j] += w[j];
            }
        }

        @Override
        void accumulateMoments(double shift, int lane, int len) {
            float[] x = slot[X];
            float[] s = lanes[lane];
            float[] q = lanes[lane + 1];
            float k = (float) shift;
            for (int j = 0; j < len; j++) {
                float t = x[j] - k;
                s[j] += t;
                q[j] += t * t;
            }
        }

        @Override
        void normalize(boolean relu, double a, double b, double scale, int len) {
            float[] x = slot[X];
            float[] y = slot[OUT];
            float af = (float) a;
            float bf = (float) b;
            float sf = (float) scale;
            if (relu) {
                for (int j = 0; j < len; j++) {
                    y[j] = Math.max(af * x[j] + bf, 0f) * sf;
                }
            } else {
                for (int j = 0; j < len; j++) {
                    y[j] = (af * x[j] + bf) * sf;
                }
            }
        }

        @Override
        void accumulateGradient(boolean relu, double a, double b, double mean, int lane, int len) {
            float[] x = slot[X];
            float[] g = slot[G];
            float[] s1 = lanes[lane];
            float[] s2 = lanes[lane + 1];
            float af = (float) a;
            float bf = (float) b;
            float mf = (float) mean;
            if (relu) {
                for (int j = 0; j < len; j++) {
                    float xj = x[j];
                    float m = g[j] * Math.min(Math.max(af * xj + bf, 0f) * STEP_A_F * STEP_B_F, 1f);
                    s1[j] += m;
                    s2[j] += m * (xj - mf);
                }
            } else {
                for (int j = 0; j < len; j++) {
                    float m = g[j];
                    s1[j] += m;
                    s2[j] += m * (x[j] - mf);
                }
            }
        }

        @Override
        void inputGradient(boolean relu, double a, double b, double coefficient, double mean, double slope,
                           double constant, int len) {
            float[] x = slot[X];
            float[] g = slot[G];
            float[] out = slot[OUT];
            float k = (float) coefficient;
            float mf = (float) mean;
            float sf = (float) slope;
            float cf = (float) constant;
            if (relu) {
                float af = (float) a;
                float bf = (float) b;
                for (int j = 0; j < len; j++) {
                    float xj = x[j];
                    out[j] = cf - sf * (xj - mf) + k * g[j] * Math.min(Math.max(af * xj + bf, 0f) * STEP_A_F * STEP_B_F, 1f);
                }
            } else {
                for (int j = 0; j < len; j++) {
                    out[j] = cf - sf * (x[j] - mf) + k * g[j];
                }
            }
        }

        @Override
        void addInputGradient(boolean relu, double a, double b, double coefficient, int len) {
            float[] x = slot[X];
            float[] g = slot[G];
            float[] out = slot[OUT];
            float k = (float) coefficient;
            if (relu) {
                float af = (float) a;
                float bf = (float) b;
                for (int j = 0; j < len; j++) {
                    out[j] += k * g[j] * Math.min(Math.max(af * x[j] + bf, 0f) * STEP_A_F * STEP_B_F, 1f);
                }
            } else {
                for (int j = 0; j < len; j++) {
                    out[j] += k * g[j];
                }
            }
        }

        @Override
        void addOld(int len) {
            add(slot[OUT], slot[OLD], len);
        }

        @Override
        void relu(int len) {
            float[] x = slot[X];
            float[] out = slot[OUT];
            for (int j = 0; j < len; j++) {
                out[j] = Math.max(x[j], 0f);
            }
        }

        @Override
        void reluGradient(int len) {
            float[] x = slot[X];
            float[] g = slot[G];
            float[] out = slot[OUT];
            for (int j = 0; j < len; j++) {
                out[j] = g[j] * Math.min(Math.max(x[j], 0f) * STEP_A_F * STEP_B_F, 1);
            }
        }

        @Override
        void sum(int len) {
            float[] x = slot[X];
            float[] g = slot[G];
            float[] out = slot[OUT];
            for (int j = 0; j < len; j++) {
                out[j] = x[j] + g[j];
            }
        }

        @Override
        void clearOut(int len) {
            Arrays.fill(slot[OUT], 0, len, 0f);
        }
    }

    static final class F64 extends ChunkMath {
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
    }
}
