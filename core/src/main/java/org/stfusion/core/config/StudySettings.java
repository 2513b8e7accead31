package org.stfusion.core.config;

import java.util.ArrayList;
import java.util.List;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/**
 * The {@code study:} section: how the fixed networks of the paper's Table 2 (all-S, all-ST, all-S+ST and
 * Opt) are trained from scratch, all with the same budget. Defaults give them the template's budget:
 * warm-up plus v-DropPath epochs, the v-DropPath learning rate and steps (shifted by the warm-up), and the
 * warm-up's weight decay. {@code rankCheck} also trains that many sampled strategies standalone, to measure
 * how well the template's ranking predicts the standalone one (Kendall's tau).
 */
public record StudySettings(int epochs, double lr, List<Integer> lrSteps, double weightDecay, int rankCheck) {

    static StudySettings read(PluginConfig c, TrainingSettings t) {
        int epochs = c.getInt("epochs", t.warmupEpochs() + t.vdpEpochs(), 1, 100_000);
        List<Integer> shifted = new ArrayList<>();
        for (int step : t.lrSteps()) {
            shifted.add(step + t.warmupEpochs());
        }
        List<Integer> steps = c.getIntList("lrSteps", shifted, 1, 100_000);
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) >= epochs) {
                throw new ConfigException(c.key("lrSteps") + "[" + i + "]", "a step after " + steps.get(i)
                        + " finished epochs never takes effect: the study trains " + epochs + " epochs");
            }
        }
        return new StudySettings(epochs, c.getDouble("lr", t.lr(), 0, 100), List.copyOf(steps),
                c.getDouble("weightDecay", t.warmupWeightDecay(), 0, 1), c.getInt("rankCheck", 0, 0, 10_000));
    }

    /** Learning rate at a 1-based epoch; steps count finished epochs, as the template's do. */
    public double learningRate(int epoch, double decay) {
        double rate = lr;
        for (int step : lrSteps) {
            if (epoch > step) {
                rate *= decay;
            }
        }
        return rate;
    }
}
