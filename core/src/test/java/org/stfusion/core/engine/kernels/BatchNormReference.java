package org.stfusion.core.engine.kernels;

/**
 * Straightforward batch norm in double over flat C-ordered [N, C, L] arrays, written from the
 * definitions (two-pass statistics, per-element loops), to check the kernels against.
 */
final class BatchNormReference {

    final int batch;
    final int channels;
    final int run;

    BatchNormReference(int batch, int channels, int run) {
        this.batch = batch;
        this.channels = channels;
        this.run = run;
    }

    private int at(int n, int c, int i) {
        return (n * channels + c) * run + i;
    }

    double[] mean(double[] x) {
        double[] m = new double[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < run; i++) {
                    s += x[at(n, c, i)];
                }
            }
            m[c] = s / ((double) batch * run);
        }
        return m;
    }

    double[] variance(double[] x, double[] mean) {
        double[] v = new double[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < run; i++) {
                    double d = x[at(n, c, i)] - mean[c];
                    s += d * d;
                }
            }
            v[c] = s / ((double) batch * run);
        }
        return v;
    }

    /** h = gamma * (x - mean) / sqrt(var + eps) + beta, before the activation. */
    private double pre(double[] x, double[] mean, double[] var, double[] gamma, double[] beta, double eps,
                       int n, int c, int i) {
        return gamma[c] * (x[at(n, c, i)] - mean[c]) / Math.sqrt(var[c] + eps) + beta[c];
    }

    double[] forward(double[] x, double[] mean, double[] var, double[] gamma, double[] beta, double eps,
                     boolean relu, double[] scale) {
        double[] y = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                double s = scale == null ? 1 : scale[n * channels + c];
                for (int i = 0; i < run; i++) {
                    double h = pre(x, mean, var, gamma, beta, eps, n, c, i);
                    y[at(n, c, i)] = s * (relu ? Math.max(h, 0) : h);
                }
            }
        }
        return y;
    }

    /** Gradients of one branch; {@code dx} receives this branch's input gradient added to its content. */
    void backward(double[] x, double[] mean, double[] var, double[] gamma, double[] beta, double eps, boolean relu,
                  double[] scale, double[] gradY, double[] dx, double[] dGamma, double[] dBeta, double[] dScale) {
        double count = (double) batch * run;
        double[] g = new double[x.length];
        for (int c = 0; c < channels; c++) {
            double invStd = 1 / Math.sqrt(var[c] + eps);
            double sumG = 0;
            double sumGXhat = 0;
            for (int n = 0; n < batch; n++) {
                double s = scale == null ? 1 : scale[n * channels + c];
                double sumGAct = 0;
                for (int i = 0; i < run; i++) {
                    int k = at(n, c, i);
                    double h = pre(x, mean, var, gamma, beta, eps, n, c, i);
                    boolean on = !relu || h > 0;
                    g[k] = on ? gradY[k] * s : 0;
                    sumG += g[k];
                    sumGXhat += g[k] * (x[k] - mean[c]) * invStd;
                    sumGAct += gradY[k] * (relu ? Math.max(h, 0) : h);
                }
                if (dScale != null) {
                    dScale[n * channels + c] = sumGAct;
                }
            }
            dBeta[c] = sumG;
            dGamma[c] = sumGXhat;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < run; i++) {
                    int k = at(n, c, i);
                    double xhat = (x[k] - mean[c]) * invStd;
                    dx[k] += gamma[c] * invStd * (g[k] - sumG / count - xhat * sumGXhat / count);
                }
            }
        }
    }
}
