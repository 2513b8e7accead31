package org.stfusion.core.run;

import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;
import org.apache.commons.rng.simple.RandomSource;

/**
 * The training run's random stream (shuffling and gate noise) with a state that is saved in every
 * checkpoint, so a resumed run continues exactly where the killed one stopped.
 */
public final class RunRandom {
    private static final RandomSource SOURCE = RandomSource.XO_RO_SHI_RO_128_PP;
    private final RestorableUniformRandomProvider rng;

    public RunRandom(long seed) {
        rng = SOURCE.create(seed);
    }

    public double nextDouble() {
        return rng.nextDouble();
    }

    public int nextInt(int bound) {
        return rng.nextInt(bound);
    }

    public long nextLong() {
        return rng.nextLong();
    }

    /**
     * Logistic noise as in the authors' code: {@code log(-log(u1+ε)+ε) - log(-log(u2+ε)+ε)}, ε = 1e-8
     * (the difference of two Gumbel variables).
     */
    public double logistic() {
        double eps = 1e-8;
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.log(-Math.log(u1 + eps) + eps) - Math.log(-Math.log(u2 + eps) + eps);
    }

    /** In-place Fisher-Yates shuffle. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    public byte[] state() {
        return ((RandomProviderDefaultState) rng.saveState()).getState();
    }

    public void restore(byte[] state) {
        rng.restoreState(new RandomProviderDefaultState(state));
    }
}
