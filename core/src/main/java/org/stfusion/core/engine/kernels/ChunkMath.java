package org.stfusion.core.engine.kernels;

import java.util.Arrays;

/**
 * Per-thread scratch and the inner loops of the Java kernels, one subclass per data type ({@link FloatChunkMath},
 * {@link DoubleChunkMath}).
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

    private static final ThreadLocal<ChunkMath> F32_SCRATCH = ThreadLocal.withInitial(FloatChunkMath::new);
    private static final ThreadLocal<ChunkMath> F64_SCRATCH = ThreadLocal.withInitial(DoubleChunkMath::new);

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

    /** OUT = v. */
    abstract void fillOut(double v, int len);

    /** The sum of X * G, in double. */
    abstract double dot(int len);

    /** The sum of X, in double. */
    abstract double sumX(int len);
}
