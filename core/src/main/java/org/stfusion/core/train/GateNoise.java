package org.stfusion.core.train;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.GateInputs;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.RunRandom;

/**
 * The random inputs of a training step, drawn from the run's stream so that a resumed run draws the same: logistic
 * noise for a relaxed-gate graph (per sample per path gate, per sample per classifier feature), and dropout masks.
 */
public final class GateNoise {
    private GateNoise() {
    }

    public static Map<String, INDArray> draw(TemplateNetwork net, RunRandom random, int batch) {
        double[] paths = new double[batch * net.gates().size()];
        double[] features = new double[batch * net.template().classifierFeatures()];
        for (double[] a : List.of(paths, features)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = random.logistic();
            }
        }
        return Map.of(GateInputs.PATH_NOISE, matrix(net, paths, batch), GateInputs.FC_NOISE, matrix(net, features, batch));
    }

    /** Inverted dropout at rate {@code p} on the classifier's features: 0 or 1/(1 − p) per sample and feature. */
    public static Map<String, INDArray> dropout(TemplateNetwork net, RunRandom random, int batch, double p) {
        double[] mask = new double[batch * net.template().classifierFeatures()];
        double kept = 1 / (1 - p);
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < p ? 0 : kept;
        }
        return Map.of(GateInputs.FC_DROPOUT, matrix(net, mask, batch));
    }

    /** {@code values} as a [batch, values / batch] array of the network's type, made in one piece. */
    private static INDArray matrix(TemplateNetwork net, double[] values, int batch) {
        if (values.length == 0) {
            return Nd4j.create(net.store().dataType(), batch, 0);
        }
        return Nd4j.create(values, new long[] {batch, values.length / batch}, 'c').castTo(net.store().dataType());
    }
}
