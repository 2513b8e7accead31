package org.stfusion.core.config;

import java.util.List;
import java.util.Locale;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.core.engine.Precision;
import org.stfusion.core.engine.VdpSettings;

/**
 * The {@code training:} section. Warm-up trains the all-paths network without gates (SGD with momentum and
 * weight decay); the v-DropPath stage trains weights and drop-rate logits together with no weight decay
 * (as in the authors' scripts). Learning-rate steps count finished epochs of their stage, as the authors'
 * {@code adjust_learning_rate} does: after {@code step} epochs the rate is multiplied by {@code lrDecay}. {@code trainingSize} is N of the regulariser, 0 = the dataset's training items;
 * {@code regulariser} is {@code code} (default) or {@code paper} (Eq. 5). {@code layerGate: true} adds the
 * gate "D1" on the input of each layer's 1x3x3 conv (off in the paper's runs); {@code dropRatePer: source}
 * learns one drop rate per (path, source layer) instead of one per path (the paper shares it over sources).
 * {@code warmupDropout} is the dropout rate before the classifier in the warm-up (0.5, as the authors' warm-up;
 * the v-DropPath stage has the classifier's own gate instead).
 */
public record TrainingSettings(int batchSize, int warmupEpochs, double warmupLr, List<Integer> warmupLrSteps,
                               double warmupWeightDecay, int vdpEpochs, double lr, List<Integer> lrSteps,
                               double lrDecay, double momentum, double pInit, double temperature,
                               double lengthScale, long trainingSize, VdpSettings.Regulariser regulariser,
                               Precision precision, boolean layerGate, DropRatesPer dropRatePer, Recovery recovery,
                               double warmupDropout) {

    /**
     * How training survives kills and numeric faults: the newest {@code keepCheckpoints} epoch checkpoints stay
     * (a damaged newest one falls back to the one before); on a non-finite loss, gradient or weight the run stops
     * ({@code onNumericFault: stop}) or reloads the last good checkpoint and goes on with the learning rates
     * multiplied by {@code faultLrFactor}, at most {@code faultRetries} times ({@code retry}).
     */
    public record Recovery(int keepCheckpoints, boolean retryOnNumericFault, int faultRetries, double faultLrFactor) {
        static Recovery read(PluginConfig c) {
            return new Recovery(c.getInt("keepCheckpoints", 3, 1, 1000),
                    c.getChoice("onNumericFault", "stop", "stop", "retry").equals("retry"),
                    c.getInt("faultRetries", 3, 1, 100), c.getDouble("faultLrFactor", 0.5, 1e-6, 1 - 1e-6));
        }
    }

    /** How many drop rates a path learns: one ({@code path}, the paper's sharing) or one per source layer. */
    public enum DropRatesPer {
        PATH, SOURCE
    }

    static TrainingSettings read(PluginConfig c) {
        int batch = c.getInt("batchSize", 16, 2, 4096);
        int warmupEpochs = c.getInt("warmupEpochs", 4, 0, 100_000);
        int vdpEpochs = c.getInt("vdpEpochs", 12, 0, 100_000);
        double lr = c.getDouble("lr", 0.05, 0, 100);
        double warmupLr = c.getDouble("warmupLr", lr, 0, 100);
        List<Integer> warmupSteps = c.getIntList("warmupLrSteps", List.of(), 1, 100_000);
        List<Integer> steps = c.getIntList("lrSteps", List.of(), 1, 100_000);
        checkSteps(c, "warmupLrSteps", warmupSteps, warmupEpochs);
        checkSteps(c, "lrSteps", steps, vdpEpochs);
        double pInit = c.getDouble("pInit", 0.1, 1e-6, 1 - 1e-6);
        double temperature = c.getDouble("temperature", 0.2, 1e-4, 100);
        double k = c.getDouble("lengthScale", 1.0, 0, 1e9);
        long n = c.getLong("trainingSize", 0);
        if (n < 0) {
            throw new ConfigException(c.key("trainingSize"), "expected 0 (= the dataset's training items) or a positive count, got " + n);
        }
        var regulariser = VdpSettings.Regulariser.valueOf(choice(c, "regulariser", "code", "paper"));
        var precision = Precision.valueOf(choice(c, "dataType", "float", "double"));
        if (warmupEpochs + vdpEpochs == 0) {
            throw new ConfigException(c.key("vdpEpochs"), "warmupEpochs and vdpEpochs are both 0: nothing to train");
        }
        return new TrainingSettings(batch, warmupEpochs, warmupLr, warmupSteps,
                c.getDouble("warmupWeightDecay", 5e-4, 0, 1), vdpEpochs, lr, steps, c.getDouble("lrDecay", 0.1, 0, 1),
                c.getDouble("momentum", 0.9, 0, 0.999999), pInit, temperature, k, n, regulariser, precision,
                c.getBoolean("layerGate", false), DropRatesPer.valueOf(choice(c, "dropRatePer", "path", "source")),
                Recovery.read(c), c.getDouble("warmupDropout", 0.5, 0, 0.95));
    }

    /** The first choice is the default; the value becomes an enum constant's name. */
    private static String choice(PluginConfig c, String key, String... choices) {
        return c.getChoice(key, choices[0], choices).toUpperCase(Locale.ROOT);
    }

    /** The Variational DropPath constants of this config, with N the training items unless set. */
    public VdpSettings vdp(long trainingItems) {
        return new VdpSettings(pInit, temperature, lengthScale, trainingSize > 0 ? trainingSize : trainingItems,
                regulariser, layerGate, dropRatePer == DropRatesPer.SOURCE);
    }

    private static void checkSteps(PluginConfig c, String key, List<Integer> steps, int epochs) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) >= epochs) {
                throw new ConfigException(c.key(key) + "[" + i + "]", "a step after " + steps.get(i)
                        + " finished epochs never takes effect: the stage has " + epochs + " epochs");
            }
        }
    }

    /** Learning rate of a stage at a 1-based epoch: decayed once for every step it comes after. */
    public double learningRate(boolean warmup, int epoch) {
        double rate = warmup ? warmupLr : lr;
        for (int step : warmup ? warmupLrSteps : lrSteps) {
            if (epoch > step) {
                rate *= lrDecay;
            }
        }
        return rate;
    }
}
