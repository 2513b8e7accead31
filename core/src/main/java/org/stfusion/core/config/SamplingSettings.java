package org.stfusion.core.config;

import org.stfusion.api.config.PluginConfig;

/**
 * The {@code sampling:} section: how many strategies to draw from the learned drop rates and with which
 * seed. {@code allowEmptyPositions=false} (default) redraws a position until it keeps at least one path,
 * i.e. samples from U = {S, ST, S+ST} as the paper's unit set; {@code classifierMask} also samples the
 * classifier's feature mask as the authors' code does (off by default: a strategy is about fusion).
 * {@code bnRecalibration} re-estimates batch-norm statistics per strategy on that many training batches
 * before scoring ({@link #DEFAULT_BN_RECALIBRATION} by default; 0 = off, the paper's protocol).
 * {@code successiveHalving} scores all strategies on the first
 * {@code halvingFirstSlice} of the validation set, keeps the better half, doubles the slice, and scores the
 * survivors on the whole set. {@code holdout} (0 = the paper's protocol) holds that share of the validation items
 * (chosen by a hash of their ids) out of choosing the best strategy, so that its score on them is not flattered by
 * the choice; every strategy is scored on both parts.
 */
public record SamplingSettings(int count, long seed, boolean allowEmptyPositions, boolean classifierMask,
                               int evalBatchSize, int bnRecalibration, boolean successiveHalving,
                               double halvingFirstSlice, double holdout) {
    /**
     * Recalibration batches unless configured. On both synthetic controls every named strategy's top-1 is within
     * one validation clip of its value with 16 batches (the whole training split) from 4 batches of 32 clips on;
     * 8 keeps that margin twice over, for noisier data and smaller evaluation batches.
     */
    public static final int DEFAULT_BN_RECALIBRATION = 8;

    static SamplingSettings read(PluginConfig c) {
        return new SamplingSettings(c.getInt("count", 100, 0, 1_000_000), c.getLong("seed", 7),
                c.getBoolean("allowEmptyPositions", false), c.getBoolean("classifierMask", false),
                c.getInt("evalBatchSize", 32, 1, 4096), c.getInt("bnRecalibration", DEFAULT_BN_RECALIBRATION, 0, 100_000),
                c.getBoolean("successiveHalving", false), c.getDouble("halvingFirstSlice", 0.125, 1e-6, 1),
                c.getDouble("holdout", 0, 0, 0.9));
    }
}
