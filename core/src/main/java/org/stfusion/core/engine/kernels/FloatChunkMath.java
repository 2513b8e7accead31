package org.stfusion.core.engine.kernels;

import java.util.Arrays;

/** {@link ChunkMath} over float arrays (a copy of {@link DoubleChunkMath} with the element type changed: generics would box). */
final class FloatChunkMath extends ChunkMath {
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

    @Override
    void fillOut(double v, int len) {
        Arrays.fill(slot[OUT], 0, len, (float) v);
    }

    @Override
    double dot(int len) {
        float[] x = slot[X];
        float[] g = slot[G];
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += (double) x[j] * g[j];
        }
        return sum;
    }

    @Override
    double sumX(int len) {
        float[] x = slot[X];
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += x[j];
        }
        return sum;
    }
}
