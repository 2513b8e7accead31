package org.stfusion.core.engine.kernels;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 3D max pooling over [N, C, D, H, W] activations, one (n, c) volume at a time, split by volume across
 * {@link Parallel}. Padded cells never win (a window's maximum is over the cells inside the input). A window's
 * maximum is its first largest cell in (d, h, w) order, and a NaN wins over every number, as in ND4J and PyTorch.
 *
 * <p>Why not ND4J's maxpool3dnew: on the DenseNet stem's pooling ([4, 64, 8, 56, 56], 3x3x3, stride 1x2x2) it took
 * 85-98 ms forward and 95-106 ms backward on 2 cores (oneDNN on the plain NCDHW layout); these loops do it in a
 * fraction of that (on planes of 32x32 and less ND4J's is the faster one; the planned engine's Pools chooses). The
 * backward finds each window's maximum again instead of keeping indices from the forward:
 * the search costs less than storing and reading them.
 *
 * <p>Arrays may be channel-slice views (see {@link ChannelRuns}); all FLOAT or all DOUBLE. The arithmetic is
 * done in double (exact for the maxima; the backward's sums of overlapping windows are rounded once).
 */
public final class PoolingKernels {

    private static final ThreadLocal<Volumes> VOLUMES = ThreadLocal.withInitial(Volumes::new);

    private PoolingKernels() {
    }

    /** {@code y} = the maximum of each window of {@code x}; kernel, stride and padding are (d, h, w). */
    public static void maxPool3d(INDArray x, int[] kernel, int[] stride, int[] padding, INDArray y) {
        Geometry g = Geometry.of(x, y, kernel, stride, padding);
        ChannelRuns in = ChannelRuns.of(x);
        ChannelRuns out = ChannelRuns.of(y);
        if (in.isFloat() != out.isFloat()) {
            throw new IllegalArgumentException("x and y must have the same data type");
        }
        int volumes = in.batch * in.channels;
        Parallel.forRange(volumes, Parallel.grainFor(in.run), (v0, v1) -> {
            Volumes s = VOLUMES.get().ensure(in.run, out.run, g);
            for (int v = v0; v < v1; v++) {
                int n = v / in.channels;
                int c = v % in.channels;
                in.read(n, c, s.x, s.floats);
                g.forward(s.x, s.y, s.rows, s.planes);
                out.write(n, c, s.y, s.floats);
            }
        });
    }

    /**
     * {@code dx} (overwritten) = the gradient of {@link #maxPool3d}: each window's {@code dy} goes to its maximum,
     * summed where windows overlap.
     */
    public static void maxPool3dBackward(INDArray x, INDArray dy, int[] kernel, int[] stride, int[] padding,
                                         INDArray dx) {
        Geometry g = Geometry.of(x, dy, kernel, stride, padding);
        ChannelRuns in = ChannelRuns.of(x);
        ChannelRuns grad = ChannelRuns.like(dx, x, "dx");
        ChannelRuns gradOut = ChannelRuns.of(dy);
        if (in.isFloat() != gradOut.isFloat()) {
            throw new IllegalArgumentException("x and dy must have the same data type");
        }
        int volumes = in.batch * in.channels;
        Parallel.forRange(volumes, Parallel.grainFor(in.run), (v0, v1) -> {
            Volumes s = VOLUMES.get().ensure(in.run, gradOut.run, g);
            for (int v = v0; v < v1; v++) {
                int n = v / in.channels;
                int c = v % in.channels;
                in.read(n, c, s.x, s.floats);
                gradOut.read(n, c, s.dy, s.floats);
                Arrays.fill(s.dx, 0, in.run, 0);
                g.backward(s.x, s.dy, s.dx, s.y, s.rows, s.planes);
                grad.write(n, c, s.dx, s.floats);
            }
        });
    }

    /** Sizes of one pooling: input (d, h, w), output (od, oh, ow), kernel, stride, padding. */
    private record Geometry(int d, int h, int w, int od, int oh, int ow, int kd, int kh, int kw,
                            int sd, int sh, int sw, int pd, int ph, int pw) {

        static Geometry of(INDArray x, INDArray y, int[] k, int[] s, int[] p) {
            if (x.rank() != 5 || y.rank() != 5 || x.size(0) != y.size(0) || x.size(1) != y.size(1)) {
                throw new IllegalArgumentException("pooling needs [N, C, D, H, W] arrays of the same N and C, got "
                        + Arrays.toString(x.shape()) + " and " + Arrays.toString(y.shape()));
            }
            for (int i = 0; i < 3; i++) {
                long expected = (x.size(2 + i) + 2L * p[i] - k[i]) / s[i] + 1;
                if (k[i] < 1 || s[i] < 1 || p[i] < 0 || p[i] >= k[i] || y.size(2 + i) != expected) {
                    throw new IllegalArgumentException("pooling of " + Arrays.toString(x.shape()) + " with kernel "
                            + Arrays.toString(k) + ", stride " + Arrays.toString(s) + ", padding " + Arrays.toString(p)
                            + " cannot give " + Arrays.toString(y.shape()));
                }
            }
            return new Geometry((int) x.size(2), (int) x.size(3), (int) x.size(4), (int) y.size(2), (int) y.size(3),
                    (int) y.size(4), k[0], k[1], k[2], s[0], s[1], s[2], p[0], p[1], p[2]);
        }

        /**
         * Window maxima of one volume, separably: over w into {@code rows} [d][h][ow], over h into {@code planes}
         * [d][oh][ow], over d into {@code y}. Math.max keeps a NaN and needs no branch: comparing cell by cell
         * mispredicted about every other cell and took 3x as long.
         */
        void forward(double[] x, double[] y, double[] rows, double[] planes) {
            for (int i = 0; i < d * h; i++) {
                int in = i * w;
                int out = i * ow;
                for (int c = 0; c < ow; c++) {
                    int w0 = Math.max(0, c * sw - pw);
                    int w1 = Math.min(w, c * sw - pw + kw);
                    double m = x[in + w0];
                    for (int k = w0 + 1; k < w1; k++) {
                        m = Math.max(m, x[in + k]);
                    }
                    rows[out + c] = m;
                }
            }
            for (int i = 0; i < d; i++) {
                for (int b = 0; b < oh; b++) {
                    int h0 = Math.max(0, b * sh - ph);
                    int h1 = Math.min(h, b * sh - ph + kh);
                    maxOfRows(rows, (i * h + h0) * ow, h1 - h0, ow, ow, planes, (i * oh + b) * ow);
                }
            }
            for (int a = 0; a < od; a++) {
                int d0 = Math.max(0, a * sd - pd);
                int d1 = Math.min(d, a * sd - pd + kd);
                maxOfRows(planes, d0 * oh * ow, d1 - d0, oh * ow, oh * ow, y, a * oh * ow);
            }
        }

        /** dst[to + i] = the maximum over {@code count} rows of src of {@code len} values each, {@code step} apart. */
        private static void maxOfRows(double[] src, int from, int count, int step, int len, double[] dst, int to) {
            System.arraycopy(src, from, dst, to, len);
            for (int r = 1; r < count; r++) {
                int at = from + r * step;
                for (int i = 0; i < len; i++) {
                    dst[to + i] = Math.max(dst[to + i], src[at + i]);
                }
            }
        }

        void backward(double[] x, double[] dy, double[] dx, double[] y, double[] rows, double[] planes) {
            forward(x, y, rows, planes);
            int o = 0;
            for (int a = 0; a < od; a++) {
                int d0 = Math.max(0, a * sd - pd);
                int d1 = Math.min(d, a * sd - pd + kd);
                for (int b = 0; b < oh; b++) {
                    int h0 = Math.max(0, b * sh - ph);
                    int h1 = Math.min(h, b * sh - ph + kh);
                    for (int c = 0; c < ow; c++, o++) {
                        dx[first(x, y[o], d0, d1, h0, h1, c)] += dy[o];
                    }
                }
            }
        }

        /** Index of the first cell of output column {@code c}'s window (rows d0..d1, h0..h1) that equals {@code max}. */
        private int first(double[] x, double max, int d0, int d1, int h0, int h1, int c) {
            int w0 = Math.max(0, c * sw - pw);
            int w1 = Math.min(w, c * sw - pw + kw);
            boolean nan = max != max;
            for (int i = d0; i < d1; i++) {
                for (int j = h0; j < h1; j++) {
                    int row = (i * h + j) * w;
                    for (int k = w0; k < w1; k++) {
                        double v = x[row + k];
                        if (v == max || nan && v != v) {
                            return row + k;
                        }
                    }
                }
            }
            throw new IllegalStateException("no cell equals its window's maximum");
        }
    }

    /** One thread's volumes (input, output, their gradients) and the separable passes' rows, reused between calls. */
    private static final class Volumes {
        double[] x = new double[0];
        double[] dx = new double[0];
        double[] y = new double[0];
        double[] dy = new double[0];
        double[] rows = new double[0];
        double[] planes = new double[0];
        float[] floats = new float[0];

        Volumes ensure(int in, int out, Geometry g) {
            if (x.length < in) {
                x = new double[in];
                dx = new double[in];
            }
            if (y.length < out) {
                y = new double[out];
                dy = new double[out];
            }
            rows = atLeast(rows, g.d() * g.h() * g.ow());
            planes = atLeast(planes, g.d() * g.oh() * g.ow());
            floats = floats.length < Math.max(in, out) ? new float[Math.max(in, out)] : floats;
            return this;
        }

        private static double[] atLeast(double[] a, int n) {
            return a.length < n ? new double[n] : a;
        }
    }
}
