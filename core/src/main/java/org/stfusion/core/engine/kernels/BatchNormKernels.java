package org.stfusion.core.engine.kernels;

import static org.stfusion.core.engine.kernels.ChunkMath.G;
import static org.stfusion.core.engine.kernels.ChunkMath.OLD;
import static org.stfusion.core.engine.kernels.ChunkMath.OUT;
import static org.stfusion.core.engine.kernels.ChunkMath.WIDTH;
import static org.stfusion.core.engine.kernels.ChunkMath.X;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training batch normalisation over all dimensions but C of an [N, C, ...] activation, with an optional
 * fused ReLU and an optional per-(sample, channel) gate after it:
 * {@code y = scale[n, c] * act(gamma[c] * (x - mean[c]) / sqrt(var[c] + eps) + beta[c])}.
 *
 * <p>Activations ({@code x}, {@code y}, {@code gradY}, {@code dx}) may be channel-slice views (see
 * {@link ChannelRuns}) and must all be FLOAT, or all DOUBLE; per-channel vectors and [N, C] gates may
 * have any stride and either type. Work is split by channel across {@link Parallel}; scratch is per
 * thread and reused, so a steady-state call allocates only a few small wrapper objects.
 *
 * <p>The ReLU mask is recomputed from {@code x} with the forward's own float arithmetic, so no
 * forward output has to be kept for the backward.
 */
public final class BatchNormKernels {

    /**
     * One consumer of a normalised input: its own gamma and beta, activation and gate, the gradient of
     * its output and where its parameter gradients go. Several branches share x and its statistics.
     *
     * @param gamma  [C]
     * @param beta   [C]
     * @param relu   whether act is ReLU (else identity)
     * @param scale  [N, C] gate applied after act, or null for none
     * @param gradY  dL/dy, shaped like x
     * @param dGamma [C], overwritten
     * @param dBeta  [C], overwritten
     * @param dScale [N, C], overwritten with the sum over the trailing dimensions of gradY * act(...),
     *               or null when not needed
     */
    public record Branch(INDArray gamma, INDArray beta, boolean relu, INDArray scale,
                         INDArray gradY, INDArray dGamma, INDArray dBeta, INDArray dScale) {
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private BatchNormKernels() {
    }

    /** Per-channel batch mean and biased variance of {@code x} into the C-vectors {@code mean}, {@code var}. */
    public static void statistics(INDArray x, INDArray mean, INDArray var) {
        ChannelRuns in = ChannelRuns.of(x);
        int channels = in.channels;
        SmallArrays.checkVector(mean, channels, "mean");
        SmallArrays.checkVector(var, channels, "var");
        State st = STATE.get();
        st.prepare(channels, in.batch, 0);
        Parallel.forRange(channels, Parallel.grainFor((long) in.batch * in.run), (c0, c1) -> {
            ChunkMath k = ChunkMath.forThread(in);
            for (int c = c0; c < c1; c++) {
                moments(k, in, c, st);
            }
        });
        SmallArrays.writeVector(st.mean, mean);
        SmallArrays.writeVector(st.var, var);
    }

    /**
     * {@code y = scale[n, c] * act(gamma * (x - mean) / sqrt(var + eps) + beta)}; batch statistics in
     * training, running statistics at inference. {@code y} may be {@code x} (in place).
     *
     * @param scale [N, C] gate, or null for none
     */
    public static void normalize(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta,
                                 double eps, boolean relu, INDArray scale, INDArray y) {
        ChannelRuns in = ChannelRuns.of(x);
        ChannelRuns out = ChannelRuns.like(y, x, "y");
        State st = STATE.get();
        st.prepare(in.channels, in.batch, 1);
        st.readStatistics(mean, var, eps);
        BranchState p = st.branches[0];
        p.read(gamma, beta, relu, scale, null, st);
        Parallel.forRange(in.channels, Parallel.grainFor((long) in.batch * in.run), (c0, c1) -> {
            ChunkMath k = ChunkMath.forThread(in);
            for (int c = c0; c < c1; c++) {
                normalizeChannel(k, in, out, c, st, p);
            }
        });
    }

    /**
     * Gradients of one or more batch-normalised branches of the same {@code x} with batch statistics
     * {@code mean}, {@code var}: each branch's dGamma, dBeta (and dScale) and, summed over branches,
     * dx = sum_b gamma_b * invstd * (g_b - mean(g_b) - xhat * mean(g_b * xhat)) with
     * g_b = gradY_b * scale_b * act_b'. x and every gradY are read in one pass for all branches.
     *
     * @param dx           shaped like x; may be the same array as a gradY
     * @param accumulateDx add to dx instead of overwriting it
     */
    public static void backward(INDArray x, INDArray mean, INDArray var, double eps, INDArray dx,
                                boolean accumulateDx, Branch... branches) {
        if (branches.length == 0) {
            throw new IllegalArgumentException("at least one branch is needed");
        }
        ChannelRuns in = ChannelRuns.of(x);
        ChannelRuns grad = ChannelRuns.like(dx, x, "dx");
        State st = STATE.get();
        st.prepare(in.channels, in.batch, branches.length);
        st.readStatistics(mean, var, eps);
        int count = branches.length;
        try {
            for (int b = 0; b < count; b++) {
                Branch br = branches[b];
                BranchState p = st.branches[b];
                p.read(br.gamma(), br.beta(), br.relu(), br.scale(), br.dScale(), st);
                p.gradY = ChannelRuns.like(br.gradY(), x, "gradY");
                SmallArrays.checkVector(br.dGamma(), in.channels, "dGamma");
                SmallArrays.checkVector(br.dBeta(), in.channels, "dBeta");
            }
            Parallel.forRange(in.channels, Parallel.grainFor((long) in.batch * in.run), (c0, c1) -> {
                ChunkMath k = ChunkMath.forThread(in);
                for (int c = c0; c < c1; c++) {
                    backwardChannel(k, in, grad, accumulateDx, c, st, count);
                }
            });
        } finally {
            for (int b = 0; b < count; b++) {
                st.branches[b].gradY = null;
            }
        }
        for (int b = 0; b < count; b++) {
            Branch br = branches[b];
            BranchState p = st.branches[b];
            SmallArrays.writeVector(p.dGamma, br.dGamma());
            SmallArrays.writeVector(p.dBeta, br.dBeta());
            if (br.dScale() != null) {
                SmallArrays.writeMatrix(p.dScale, br.dScale());
            }
        }
    }

    private static void moments(ChunkMath k, ChannelRuns in, int c, State st) {
        int width = Math.min(WIDTH, in.run);
        // Sums of x - shift with shift = the mean of the first chunk, so E[t^2] - E[t]^2 does not cancel.
        k.resetLanes(2, width);
        k.load(in, 0, c, 0, width, X);
        k.accumulateMoments(0, 0, width);
        k.drainLanes(1, width);
        double shift = k.round(k.sums[0] / width);
        k.resetLanes(2, width);
        int pending = 0;
        for (int n = 0; n < in.batch; n++) {
            for (int from = 0; from < in.run; from += WIDTH) {
                int len = Math.min(WIDTH, in.run - from);
                k.load(in, n, c, from, len, X);
                k.accumulateMoments(shift, 0, len);
                if (++pending == ChunkMath.DRAIN_CHUNKS) {
                    k.drainLanes(2, width);
                    pending = 0;
                }
            }
        }
        k.drainLanes(2, width);
        double count = (double) in.batch * in.run;
        double s = k.sums[0] / count;
        double q = k.sums[1] / count;
        st.mean[c] = shift + s;
        st.var[c] = Math.max(q - s * s, 0);
    }

    private static void normalizeChannel(ChunkMath k, ChannelRuns in, ChannelRuns out, int c, State st,
                                         BranchState p) {
        double a = p.gamma[c] * st.invStd[c];
        double b = p.beta[c] - st.mean[c] * a;
        for (int n = 0; n < in.batch; n++) {
            double scale = p.scaled ? p.scale[n * in.channels + c] : 1;
            for (int from = 0; from < in.run; from += WIDTH) {
                int len = Math.min(WIDTH, in.run - from);
                k.load(in, n, c, from, len, X);
                k.normalize(p.relu, a, b, scale, len);
                k.store(OUT, out, n, c, from, len);
            }
        }
    }

    private static void backwardChannel(ChunkMath k, ChannelRuns in, ChannelRuns dx, boolean accumulate, int c,
                                        State st, int branches) {
        int channels = in.channels;
        int width = Math.min(WIDTH, in.run);
        double mean = st.mean[c];
        // The loops subtract the mean rounded to the element type; sums of m * (x - rounded) are corrected
        // by (rounded - mean) * sum(m).
        double rounded = k.round(mean);
        double shift = rounded - mean;
        double invStd = st.invStd[c];
        int lanes = 2 * branches;
        k.resetLanes(lanes, width);
        boolean anyPerRun = false;
        for (int b = 0; b < branches; b++) {
            anyPerRun |= st.branches[b].perRun;
            st.branches[b].dBeta[c] = 0;
            st.branches[b].dGamma[c] = 0;
        }
        // Pass 1: per branch, sum(m) and sum(m * (x - mean)) with m = gradY * act'; per run where a gate
        // weights the run or its gradient is wanted, else per channel.
        int pending = 0;
        for (int n = 0; n < in.batch; n++) {
            for (int from = 0; from < in.run; from += WIDTH) {
                int len = Math.min(WIDTH, in.run - from);
                k.load(in, n, c, from, len, X);
                for (int b = 0; b < branches; b++) {
                    BranchState p = st.branches[b];
                    double a = p.gamma[c] * invStd;
                    k.load(p.gradY, n, c, from, len, G);
                    k.accumulateGradient(p.relu, a, p.beta[c] - mean * a, rounded, 2 * b, len);
                }
                if (++pending == ChunkMath.DRAIN_CHUNKS) {
                    k.drainLanes(lanes, width);
                    pending = 0;
                }
            }
            if (anyPerRun) {
                k.drainLanes(lanes, width);
                pending = 0;
                for (int b = 0; b < branches; b++) {
                    BranchState p = st.branches[b];
                    if (p.perRun) {
                        double s1 = k.sums[2 * b];
                        double s2 = k.sums[2 * b + 1] + shift * s1;
                        k.sums[2 * b] = 0;
                        k.sums[2 * b + 1] = 0;
                        int nc = n * channels + c;
                        double scale = p.scaled ? p.scale[nc] : 1;
                        p.dBeta[c] += scale * s1;
                        p.dGamma[c] += scale * s2;
                        if (p.wantScaleGradient) {
                            // sum gradY * act(h) = sum m * h with h = a * (x - mean) + beta
                            p.dScale[nc] = p.gamma[c] * invStd * s2 + p.beta[c] * s1;
                        }
                    }
                }
            }
        }
        k.drainLanes(lanes, width);
        double count = (double) in.batch * in.run;
        double slope = 0;
        double constant = 0;
        for (int b = 0; b < branches; b++) {
            BranchState p = st.branches[b];
            if (!p.perRun) {
                p.dBeta[c] = k.sums[2 * b];
                p.dGamma[c] = k.sums[2 * b + 1] + shift * k.sums[2 * b];
            }
            double sumG = p.dBeta[c];
            double sumGT = p.dGamma[c];
            p.dGamma[c] = sumGT * invStd;
            slope += p.gamma[c] * invStd * invStd * invStd * sumGT / count;
            constant -= p.gamma[c] * invStd * sumG / count;
        }
        // Pass 2: dx = constant - slope * (x - mean) + sum_b gamma_b * invStd * scale_b * gradY_b * act_b'.
        // The channel's x and gradY are still in L2 from pass 1.
        for (int n = 0; n < in.batch; n++) {
            for (int from = 0; from < in.run; from += WIDTH) {
                int len = Math.min(WIDTH, in.run - from);
                k.load(in, n, c, from, len, X);
                for (int b = 0; b < branches; b++) {
                    BranchState p = st.branches[b];
                    double a = p.gamma[c] * invStd;
                    double coefficient = a * (p.scaled ? p.scale[n * channels + c] : 1);
                    k.load(p.gradY, n, c, from, len, G);
                    if (b == 0) {
                        k.inputGradient(p.relu, a, p.beta[c] - mean * a, coefficient, rounded, slope,
                                constant - slope * shift, len);
                    } else {
                        k.addInputGradient(p.relu, a, p.beta[c] - mean * a, coefficient, len);
                    }
                }
                if (accumulate) {
                    k.load(dx, n, c, from, len, OLD);
                    k.addOld(len);
                }
                k.store(OUT, dx, n, c, from, len);
            }
        }
    }

    /** Parameters of one call in double, read once on the calling thread; reused between calls. */
    private static final class State {
        double[] mean = new double[0];
        double[] var = new double[0];
        double[] invStd = new double[0];
        BranchState[] branches = new BranchState[0];
        int channels;
        int batch;

        void prepare(int channels, int batch, int branchCount) {
            this.channels = channels;
            this.batch = batch;
            if (mean.length < channels) {
                mean = new double[channels];
                var = new double[channels];
                invStd = new double[channels];
            }
            if (branches.length < branchCount) {
                int old = branches.length;
                branches = Arrays.copyOf(branches, branchCount);
                for (int b = old; b < branchCount; b++) {
                    branches[b] = new BranchState();
                }
            }
        }

        void readStatistics(INDArray meanIn, INDArray varIn, double eps) {
            SmallArrays.readVector(meanIn, channels, "mean", mean);
            SmallArrays.readVector(varIn, channels, "var", var);
            for (int c = 0; c < channels; c++) {
                invStd[c] = 1 / Math.sqrt(var[c] + eps);
            }
        }
    }

    private static final class BranchState {
        double[] gamma = new double[0];
        double[] beta = new double[0];
        double[] dGamma = new double[0];
        double[] dBeta = new double[0];
        double[] scale = new double[0];
        double[] dScale = new double[0];
        boolean relu;
        boolean scaled;
        boolean wantScaleGradient;
        /** Whether the gradient sums are needed per (n, c) run rather than per channel. */
        boolean perRun;
        ChannelRuns gradY;

        void read(INDArray gammaIn, INDArray betaIn, boolean relu, INDArray scaleIn, INDArray dScaleOut, State st) {
            int channels = st.channels;
            int cells = st.batch * channels;
            if (gamma.length < channels) {
                gamma = new double[channels];
                beta = new double[channels];
                dGamma = new double[channels];
                dBeta = new double[channels];
            }
            if (scale.length < cells) {
                scale = new double[cells];
                dScale = new double[cells];
            }
            SmallArrays.readVector(gammaIn, channels, "gamma", gamma);
            SmallArrays.readVector(betaIn, channels, "beta", beta);
            this.relu = relu;
            scaled = scaleIn != null;
            if (scaled) {
                SmallArrays.readMatrix(scaleIn, st.batch, channels, "scale", scale);
            }
            wantScaleGradient = dScaleOut != null;
            if (wantScaleGradient && (dScaleOut.rank() != 2 || dScaleOut.size(0) != st.batch
                    || dScaleOut.size(1) != channels)) {
                throw new IllegalArgumentException("dScale must have shape [" + st.batch + ", " + channels
                        + "], got " + Arrays.toString(dScaleOut.shape()));
            }
            perRun = scaled || wantScaleGradient;
        }
    }
}
