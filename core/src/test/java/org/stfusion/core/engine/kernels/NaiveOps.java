package org.stfusion.core.engine.kernels;

/** Definitions of the native ops as plain loops in double over C-ordered flat arrays, for the tests. */
final class NaiveOps {

    private NaiveOps() {
    }

    /** Geometry of a 3-D window op over NCDHW. */
    record Geometry(int n, int c, int[] in, int[] kernel, int[] stride, int[] padding) {
        int out(int d) {
            return (in[d] + 2 * padding[d] - kernel[d]) / stride[d] + 1;
        }

        int[] outShape() {
            return new int[] {out(0), out(1), out(2)};
        }

        int inSize() {
            return in[0] * in[1] * in[2];
        }

        int outSize() {
            return out(0) * out(1) * out(2);
        }
    }

    static int volume(int[] s) {
        return s[0] * s[1] * s[2];
    }

    /** y[n, o, od, oh, ow] = sum x[n, i, od*s - p + kd, ...] * w[kd, kh, kw, i, o]. */
    static double[] conv3d(double[] x, double[] w, Geometry g, int outChannels) {
        int[] o = g.outShape();
        double[] y = new double[g.n() * outChannels * g.outSize()];
        forEachTap(g, outChannels, o, (n, i, oc, xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
        return y;
    }

    static double[] conv3dGradInput(double[] w, double[] gy, Geometry g, int outChannels) {
        double[] gx = new double[g.n() * g.c() * g.inSize()];
        forEachTap(g, outChannels, g.outShape(), (n, i, oc, xi, wi, yi) -> gx[xi] += gy[yi] * w[wi]);
        return gx;
    }

    static double[] conv3dGradWeight(double[] x, double[] gy, Geometry g, int outChannels) {
        double[] gw = new double[volume(g.kernel()) * g.c() * outChannels];
        forEachTap(g, outChannels, g.outShape(), (n, i, oc, xi, wi, yi) -> gw[wi] += x[xi] * gy[yi]);
        return gw;
    }

    private interface Tap {
        void at(int n, int i, int o, int xi, int wi, int yi);
    }

    private static void forEachTap(Geometry g, int outChannels, int[] o, Tap tap) {
        int[] in = g.in();
        int[] k = g.kernel();
        for (int n = 0; n < g.n(); n++) {
            for (int oc = 0; oc < outChannels; oc++) {
                for (int i = 0; i < g.c(); i++) {
                    for (int od = 0; od < o[0]; od++) {
                        for (int oh = 0; oh < o[1]; oh++) {
                            for (int ow = 0; ow < o[2]; ow++) {
                                int yi = (((n * outChannels + oc) * o[0] + od) * o[1] + oh) * o[2] + ow;
                                for (int kd = 0; kd < k[0]; kd++) {
                                    int d = od * g.stride()[0] - g.padding()[0] + kd;
                                    for (int kh = 0; kh < k[1]; kh++) {
                                        int h = oh * g.stride()[1] - g.padding()[1] + kh;
                                        for (int kw = 0; kw < k[2]; kw++) {
                                            int ww = ow * g.stride()[2] - g.padding()[2] + kw;
                                            if (d < 0 || d >= in[0] || h < 0 || h >= in[1] || ww < 0 || ww >= in[2]) {
                                                continue;
                                            }
                                            int xi = (((n * g.c() + i) * in[0] + d) * in[1] + h) * in[2] + ww;
                                            int wi = (((kd * k[1] + kh) * k[2] + kw) * g.c() + i) * outChannels + oc;
                                            tap.at(n, i, oc, xi, wi, yi);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private interface Window {
        /** Called per output cell with the flat input indices inside the input of its window. */
        void at(int yi, int[] cells, int count);
    }

    private static void forEachWindow(Geometry g, Window window) {
        int[] in = g.in();
        int[] k = g.kernel();
        int[] o = g.outShape();
        int[] cells = new int[volume(k)];
        for (int nc = 0; nc < g.n() * g.c(); nc++) {
            for (int od = 0; od < o[0]; od++) {
                for (int oh = 0; oh < o[1]; oh++) {
                    for (int ow = 0; ow < o[2]; ow++) {
                        int count = 0;
                        for (int kd = 0; kd < k[0]; kd++) {
                            for (int kh = 0; kh < k[1]; kh++) {
                                for (int kw = 0; kw < k[2]; kw++) {
                                    int d = od * g.stride()[0] - g.padding()[0] + kd;
                                    int h = oh * g.stride()[1] - g.padding()[1] + kh;
                                    int w = ow * g.stride()[2] - g.padding()[2] + kw;
                                    if (d >= 0 && d < in[0] && h >= 0 && h < in[1] && w >= 0 && w < in[2]) {
                                        cells[count++] = ((nc * in[0] + d) * in[1] + h) * in[2] + w;
                                    }
                                }
                            }
                        }
                        window.at(((nc * o[0] + od) * o[1] + oh) * o[2] + ow, cells, count);
                    }
                }
            }
        }
    }

    static double[] maxPool(double[] x, Geometry g) {
        double[] y = new double[g.n() * g.c() * g.outSize()];
        forEachWindow(g, (yi, cells, count) -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < count; j++) {
                m = Math.max(m, x[cells[j]]);
            }
            y[yi] = m;
        });
        return y;
    }

    static double[] maxPoolGrad(double[] x, double[] gy, Geometry g) {
        double[] gx = new double[x.length];
        forEachWindow(g, (yi, cells, count) -> {
            int best = cells[0];
            for (int j = 1; j < count; j++) {
                if (x[cells[j]] > x[best]) {
                    best = cells[j];
                }
            }
            gx[best] += gy[yi];
        });
        return gx;
    }

    /** Average over the cells inside the input (PyTorch count_include_pad=False). */
    static double[] avgPool(double[] x, Geometry g) {
        double[] y = new double[g.n() * g.c() * g.outSize()];
        forEachWindow(g, (yi, cells, count) -> {
            double s = 0;
            for (int j = 0; j < count; j++) {
                s += x[cells[j]];
            }
            y[yi] = s / count;
        });
        return y;
    }

    static double[] avgPoolGrad(double[] gy, Geometry g) {
        double[] gx = new double[g.n() * g.c() * g.inSize()];
        forEachWindow(g, (yi, cells, count) -> {
            for (int j = 0; j < count; j++) {
                gx[cells[j]] += gy[yi] / count;
            }
        });
        return gx;
    }

    /** c[m, n] = sum_k a[m, k] b[k, n], with a or b read transposed when asked. */
    static double[] matmul(double[] a, double[] b, int m, int k, int n, boolean transA, boolean transB) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    s += (transA ? a[l * m + i] : a[i * k + l]) * (transB ? b[j * k + l] : b[l * n + j]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }
}
