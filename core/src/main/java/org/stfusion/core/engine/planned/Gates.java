package org.stfusion.core.engine.planned;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.GateInputs;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.kernels.SmallArrays;

/**
 * The keep values of one call's gates, per sample: the relaxed Bernoulli {@code 1 - sigmoid((θ + L)/τ)} from the
 * fed logistic noise L in RELAXED graphs, the fed 0/1 masks in HARD graphs (the same for every sample), 1 in
 * graphs without gates. Collects dLoss/dkeep during the backward pass and turns it into dLoss/dθ.
 */
final class Gates {
    private final NetworkGraph graph;
    private final int batch;
    private final GateMode mode;
    /** [batch][gate]: keep values; for RELAXED also s = sigmoid((θ + L)/τ) and dLoss/dkeep. */
    private final double[][] keep;
    private final double[][] sigmoid;
    private final double[][] dKeep;
    /** [batch][feature] for the classifier's gate. */
    private final double[][] featureKeep;
    private final double[][] featureSigmoid;
    private final double[][] dFeatureKeep;
    /** Dropout's [batch, features] mask when the graph has dropout, else null. */
    private final INDArray dropoutMask;

    Gates(NetworkGraph graph, ParameterStore store, Map<String, INDArray> inputs, int batch) {
        this.graph = graph;
        this.batch = batch;
        this.mode = graph.variant().gates();
        int g = graph.gates().size();
        int f = graph.classifierFeatures();
        keep = new double[batch][g];
        featureKeep = new double[batch][f];
        dropoutMask = graph.variant().classifierDropout() ? required(inputs, GateInputs.FC_DROPOUT) : null;
        if (dropoutMask != null && (dropoutMask.size(0) != batch || dropoutMask.size(1) != f)) {
            throw new IllegalArgumentException("dropout mask " + java.util.Arrays.toString(dropoutMask.shape())
                    + " does not fit a batch of " + batch + " with " + f + " features");
        }
        if (mode == GateMode.RELAXED) {
            sigmoid = new double[batch][g];
            featureSigmoid = new double[batch][f];
            dKeep = new double[batch][g];
            dFeatureKeep = new double[batch][f];
            double tau = graph.vdp().temperature();
            double[] noise = matrix(required(inputs, GateInputs.PATH_NOISE), batch, g, GateInputs.PATH_NOISE);
            for (int j = 0; j < g; j++) {
                double theta = store.trainable().get(graph.gates().get(j).thetaName()).getDouble(0);
                for (int n = 0; n < batch; n++) {
                    double s = sigmoid((theta + noise[n * g + j]) / tau);
                    sigmoid[n][j] = s;
                    keep[n][j] = 1 - s;
                }
            }
            if (graph.classifierTheta() != null) {
                double[] fcNoise = matrix(required(inputs, GateInputs.FC_NOISE), batch, f, GateInputs.FC_NOISE);
                double theta = store.trainable().get(graph.classifierTheta()).getDouble(0);
                for (int n = 0; n < batch; n++) {
                    for (int c = 0; c < f; c++) {
                        double s = sigmoid((theta + fcNoise[n * f + c]) / tau);
                        featureSigmoid[n][c] = s;
                        featureKeep[n][c] = 1 - s;
                    }
                }
            }
        } else {
            sigmoid = null;
            featureSigmoid = null;
            dKeep = null;
            dFeatureKeep = null;
            double[] paths = mode == GateMode.HARD && g > 0 ? matrix(required(inputs, GateInputs.PATH_KEEP), 1, g,
                    GateInputs.PATH_KEEP) : null;
            double[] features = mode == GateMode.HARD && f > 0 ? matrix(required(inputs, GateInputs.FC_KEEP), 1, f,
                    GateInputs.FC_KEEP) : null;
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < g; j++) {
                    keep[n][j] = paths[j];
                }
                for (int c = 0; c < f; c++) {
                    featureKeep[n][c] = features == null ? 1 : features[c];
                }
            }
        }
    }

    /** A [rows, cols] input read in one pass (getDouble per element allocates and was a step's largest garbage). */
    private static double[] matrix(INDArray a, int rows, int cols, String name) {
        double[] values = new double[rows * cols];
        SmallArrays.readMatrix(a, rows, cols, name, values);
        return values;
    }

    private static INDArray required(Map<String, INDArray> inputs, String name) {
        INDArray a = inputs.get(name);
        if (a == null) {
            throw new IllegalArgumentException("this graph needs the gate input '" + name + "'");
        }
        return a;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    double keep(int n, int gate) {
        return keep[n][gate];
    }

    /** Dropout's mask, [batch, features]. */
    INDArray dropoutMask() {
        return dropoutMask;
    }

    double featureKeep(int n, int feature) {
        return featureKeep[n][feature];
    }

    /** In a HARD graph: whether every sample drops (or keeps) gate {@code g}. */
    boolean hardDropped(int g) {
        return mode == GateMode.HARD && keep[0][g] == 0;
    }

    boolean hardKept(int g) {
        return mode != GateMode.RELAXED && keep[0][g] == 1;
    }

    /** Fills [batch, channels] {@code scale} with each channel's gate keep value (per source chunk). */
    void fillScale(INDArray scale, java.util.List<Integer> gates, java.util.List<Integer> channels) {
        int width = (int) scale.size(1);
        double[] values = new double[batch * width];
        for (int n = 0; n < batch; n++) {
            int c = n * width;
            for (int j = 0; j < gates.size(); j++) {
                double k = keep[n][gates.get(j)];
                for (int i = 0; i < channels.get(j); i++) {
                    values[c++] = k;
                }
            }
        }
        SmallArrays.writeMatrix(values, scale);
    }

    /** Adds dLoss/dscale [batch, channels] (per channel) to the gates' dLoss/dkeep. */
    void addScaleGradient(INDArray dScale, java.util.List<Integer> gates, java.util.List<Integer> channels) {
        if (dKeep == null) {
            return;
        }
        int width = (int) dScale.size(1);
        double[] values = matrix(dScale, batch, width, "dScale");
        for (int n = 0; n < batch; n++) {
            int c = n * width;
            for (int j = 0; j < gates.size(); j++) {
                double sum = 0;
                for (int i = 0; i < channels.get(j); i++) {
                    sum += values[c++];
                }
                dKeep[n][gates.get(j)] += sum;
            }
        }
    }

    void fillFeatureScale(INDArray scale) {
        int f = featureKeep.length == 0 ? 0 : featureKeep[0].length;
        double[] values = new double[batch * f];
        for (int n = 0; n < batch; n++) {
            System.arraycopy(featureKeep[n], 0, values, n * f, f);
        }
        SmallArrays.writeMatrix(values, scale);
    }

    void addFeatureScaleGradient(INDArray dScale) {
        if (dFeatureKeep == null) {
            return;
        }
        int f = dFeatureKeep.length == 0 ? 0 : dFeatureKeep[0].length;
        double[] values = matrix(dScale, batch, f, "dScale");
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < f; c++) {
                dFeatureKeep[n][c] += values[n * f + c];
            }
        }
    }

    /** dLoss/dθ of gate {@code g} through its keep values: keep = 1 - s, ds/dθ = s(1 - s)/τ. */
    double thetaGradient(int g) {
        double tau = graph.vdp().temperature();
        double sum = 0;
        for (int n = 0; n < batch; n++) {
            double s = sigmoid[n][g];
            sum -= dKeep[n][g] * s * (1 - s) / tau;
        }
        return sum;
    }

    double featureThetaGradient() {
        double tau = graph.vdp().temperature();
        double sum = 0;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < dFeatureKeep[n].length; c++) {
                double s = featureSigmoid[n][c];
                sum -= dFeatureKeep[n][c] * s * (1 - s) / tau;
            }
        }
        return sum;
    }
}
