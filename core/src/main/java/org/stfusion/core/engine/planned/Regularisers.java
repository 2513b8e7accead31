package org.stfusion.core.engine.planned;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.VdpSettings;

/**
 * The Variational DropPath regulariser of every gated module and its gradient, in closed form. With p = sigmoid(θ)
 * and S = Σw² over the weights the term covers:
 * <pre>
 *   code:  R = (k/N)(1-p) S + (C/N)(p ln p + (1-p) ln(1-p))     dR/dθ = p(1-p) [-(k/N) S + (C/N) θ]
 *   paper: R = k²(1-p)/(2N) S + (C/N) p ln p                       dR/dθ = p(1-p) [-k²S/(2N) + (C/N)(ln p + 1)]
 *   dR/dw = 2 A (1-p) w   with A = k/N (code) or k²/(2N) (paper)
 * </pre>
 * (d/dp of p ln p + (1-p) ln(1-p) is ln p - ln(1-p) = θ.) ln p is computed as log-sigmoid(θ), so it cannot be NaN.
 */
final class Regularisers {
    private Regularisers() {
    }

    /** The sum of all terms; with {@code gradients}, adds each term's gradient to the θ and weight gradients. */
    static double apply(NetworkGraph graph, ParameterStore store, Map<String, INDArray> gradients) {
        VdpSettings vdp = graph.vdp();
        double n = vdp.trainingSize();
        double k = vdp.lengthScale();
        boolean code = vdp.form() == VdpSettings.Regulariser.CODE;
        double a = code ? k / n : k * k / (2 * n);
        double total = 0;
        for (NetworkGraph.Regulariser r : graph.regularisers()) {
            double theta = store.trainable().get(r.theta()).getDouble(0);
            double p = Gates.sigmoid(theta);
            double logP = logSigmoid(theta);
            double log1mP = logSigmoid(-theta);
            double squares = 0;
            for (NetworkGraph.WeightSlice slice : r.weights()) {
                INDArray w = slice(store.trainable().get(slice.name()), slice);
                double norm = w.norm2Number().doubleValue();
                squares += norm * norm;
            }
            double entropy = code ? p * logP + (1 - p) * log1mP : p * logP;
            double c = r.entropyCount();
            total += a * (1 - p) * squares + c / n * entropy;
            if (gradients != null) {
                double dEntropy = code ? theta : logP + 1;
                double dTheta = p * (1 - p) * (-a * squares + c / n * dEntropy);
                INDArray g = gradients.get(r.theta());
                g.putScalar(0, g.getDouble(0) + dTheta);
                for (NetworkGraph.WeightSlice slice : r.weights()) {
                    INDArray w = slice(store.trainable().get(slice.name()), slice);
                    INDArray g2 = slice(gradients.get(slice.name()), slice);
                    Nd4j.exec(new Axpy(w, g2, g2, 2 * a * (1 - p))); // in place: a step makes no garbage
                }
            }
        }
        return total;
    }

    private static INDArray slice(INDArray w, NetworkGraph.WeightSlice slice) {
        if (slice.whole()) {
            return w;
        }
        return w.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(slice.offset(), slice.offset() + slice.count()), NDArrayIndex.all());
    }

    /** ln sigmoid(x) without overflow. */
    static double logSigmoid(double x) {
        return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }
}
