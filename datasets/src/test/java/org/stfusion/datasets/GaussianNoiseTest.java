package org.stfusion.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

    @Test
    void quantileFunctionMatchesKnownNormalQuantiles() {
        assertEquals(0.0, GaussianNoise.inverseNormalCdf(0.5), 1e-12);
        assertEquals(-0.524400513, GaussianNoise.inverseNormalCdf(0.3), 1e-8);
        assertEquals(1.959963985, GaussianNoise.inverseNormalCdf(0.975), 1e-8);
        assertEquals(-2.053748911, GaussianNoise.inverseNormalCdf(0.02), 1e-8);
        assertEquals(-2.326347874, GaussianNoise.inverseNormalCdf(0.01), 1e-8);
        assertEquals(3.090232306, GaussianNoise.inverseNormalCdf(0.999), 1e-8);
        assertEquals(-3.719016485, GaussianNoise.inverseNormalCdf(0.0001), 1e-8);
    }

    @Test
    void addedNoiseHasTheRequestedSigmaAndANormalShapeInEveryElement() {
        float sigma = 2f;
        float[] data = new float[100_003]; // not a multiple of the five samples drawn per long
        GaussianNoise.add(data, sigma, new SplittableRandom(3));
        double sum = 0;
        double sumSq = 0;
        double sumFourth = 0;
        for (float v : data) {
            assertNotEquals(0f, v); // no table entry is zero, so a zero means an element was skipped
            sum += v;
            sumSq += v * v;
            sumFourth += Math.pow(v / sigma, 4);
        }
        int n = data.length;
        assertEquals(0, sum / n, 4 * sigma / Math.sqrt(n));
        assertEquals(sigma, Math.sqrt(sumSq / n), 0.02 * sigma);
        assertEquals(3, sumFourth / n, 0.1, "kurtosis");
    }
}
