package org.stfusion.core.engine;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.network.TemplateNetwork;

/** Small networks and inputs for core's tests (the networks are {@link DenseFixture}s). */
public final class TestNetworks {
    private TestNetworks() {
    }

    public static List<FusionPath> paths() {
        return DenseFixture.paths();
    }

    /** F 8, g 4, bn 2, blocks (2,2): 5 fusion positions, 10 gated paths. */
    public static Backbone micro(InputSpec in) {
        return new DenseFixture(8, 4, 2, List.of(2, 2), in.classes());
    }

    public static TemplateNetwork microTemplate(DataType dt, InputSpec in) {
        return new TemplateNetwork(micro(in), in, paths(), new VdpSettings(0.1, 0.2, 3.0, 50), dt, 11);
    }

    public static BitSet bits(int... on) {
        BitSet b = new BitSet();
        for (int i : on) {
            b.set(i);
        }
        return b;
    }

    public static INDArray clips(DataType dt, int batch, InputSpec in, long seed) {
        Random r = new Random(seed);
        int n = batch * in.channels() * in.frames() * in.height() * in.width();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian();
        }
        return Nd4j.create(d, new long[] {batch, in.channels(), in.frames(), in.height(), in.width()}, 'c').castTo(dt);
    }

    public static INDArray oneHot(DataType dt, int batch, int classes, long seed) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(dt, batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, r.nextInt(classes), 1);
        }
        return y;
    }

    /** Fixed logistic noise for every gate, so a RELAXED graph is a deterministic function. */
    public static Map<String, INDArray> noise(DataType dt, TemplateNetwork net, int batch, long seed) {
        Random r = new Random(seed);
        INDArray paths = Nd4j.create(dt, batch, net.gates().size());
        INDArray fc = Nd4j.create(dt, batch, net.template().classifierFeatures());
        for (INDArray a : List.of(paths, fc)) {
            for (long i = 0; i < a.length(); i++) {
                double u = r.nextDouble();
                a.putScalar(i, Math.log(u) - Math.log1p(-u));
            }
        }
        Map<String, INDArray> m = new HashMap<>();
        m.put(GateInputs.PATH_NOISE, paths);
        m.put(GateInputs.FC_NOISE, fc);
        return m;
    }
}
