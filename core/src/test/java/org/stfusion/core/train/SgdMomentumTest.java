package org.stfusion.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The optimizer follows PyTorch's SGD with momentum step by step, on dense arrays (Java kernel) and views (ND4J ops). */
class SgdMomentumTest {

    @ParameterizedTest(name = "{0} weight decay {1} view {2}")
    @CsvSource({"FLOAT, 0, false", "FLOAT, 0.0005, false", "DOUBLE, 0.01, false", "DOUBLE, 0.01, true",
            "FLOAT, 0.0005, true"})
    void stepsFollowTheFormula(DataType type, double decay, boolean view) {
        Random rnd = new Random(3);
        int n = 9000; // more than one chunk of the kernel
        double[] w = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = rnd.nextGaussian();
        }
        INDArray weights = array(w, type, view);
        SgdMomentum sgd = new SgdMomentum(0.9);
        double lr = 0.05;
        for (int step = 0; step < 3; step++) {
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = rnd.nextGaussian();
            }
            sgd.step(Map.of("w", weights), Map.of("w", array(g, type, false)), lr, decay);
            for (int i = 0; i < n; i++) {
                double gi = round(g[i], type);
                v[i] = round((step == 0 ? 0 : 0.9 * v[i]) + gi + decay * w[i], type);
                w[i] = round(w[i] - lr * v[i], type);
            }
            double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
            double[] got = weights.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] gotV = sgd.state().get("w").castTo(DataType.DOUBLE).dup('c').data().asDouble();
            for (int i = 0; i < n; i++) {
                assertEquals(w[i], got[i], tolerance * Math.max(1, Math.abs(w[i])), "w[" + i + "] at step " + step);
                assertEquals(v[i], gotV[i], tolerance * Math.max(1, Math.abs(v[i])), "v[" + i + "] at step " + step);
                w[i] = got[i]; // follow the array's own rounding
                v[i] = gotV[i];
            }
        }
    }

    private static double round(double x, DataType type) {
        return type == DataType.FLOAT ? (float) x : x;
    }

    /** {@code values} as a [3, n / 3] array, or as a strided column view of a wider one. */
    private static INDArray array(double[] values, DataType type, boolean view) {
        INDArray dense = Nd4j.create(values, new long[] {3, values.length / 3}, 'c').castTo(type);
        if (!view) {
            return dense;
        }
        INDArray wide = Nd4j.zeros(type, 3, values.length / 3 + 5);
        INDArray v = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 2 + values.length / 3));
        return v.assign(dense);
    }
}
