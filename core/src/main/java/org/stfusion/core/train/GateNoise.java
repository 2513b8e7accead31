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
        INDArray paths = Nd4j.create(net.store().dataType(), batch, net.gates().size());
        INDArray features = Nd4j.create(net.store().dataType(), batch, net.template().classifierFeatures());
        for (INDArray a : List.of(paths, features)) {
            for (long i = 0; i < a.length(); i++) {
                a.putScalar(i, random.logistic());
            }
        }
        return Map.of(GateInputs.PATH_NOISE, paths, GateInputs.FC_NOISE, features);
    }

    /** Inverted dropout at rate {@code p} on the classifier's features: 0 or 1/(1 − p) per sample and feature. */
    public static Map<String, INDArray> dropout(TemplateNetwork net, RunRandom random, int batch, double p) {
        INDArray mask = Nd4j.create(net.store().dataType(), batch, net.template().classifierFeatures());
        double kept = 1 / (1 - p);
        for (long i = 0; i < mask.length(); i++) {
            mask.putScalar(i, random.nextDouble() < p ? 0 : kept);
        }
        return Map.of(GateInputs.FC_DROPOUT, mask);
    }
}
