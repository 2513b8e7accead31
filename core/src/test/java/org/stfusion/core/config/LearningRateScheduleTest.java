package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;

/**
 * Steps count finished epochs, as the authors' {@code adjust_learning_rate} (0-based epochs, decay once
 * {@code epoch >= step}): the paper's v-DropPath schedule {@code [40, 60, 80]} over 90 epochs runs epochs 41–60 at
 * a tenth of the rate.
 */
class LearningRateScheduleTest {
    @TempDir
    Path tmp;

    private ExperimentConfig config(List<String> overrides) throws IOException {
        Path file = tmp.resolve("c.yaml");
        Files.writeString(file, "backbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        return ExperimentConfig.load(file, overrides);
    }

    @Test
    void thePapersSchedulesDecayAfterTheirStepsNotAtThem() throws IOException {
        var t = config(List.of("training.warmupEpochs=50", "training.warmupLr=0.005", "training.warmupLrSteps=[30, 40]",
                "training.vdpEpochs=90", "training.lr=0.005", "training.lrSteps=[40, 60, 80]")).training();
        double[][] expected = {{1, 0.005}, {40, 0.005}, {41, 5e-4}, {60, 5e-4}, {61, 5e-5}, {80, 5e-5}, {81, 5e-6}, {90, 5e-6}};
        for (double[] e : expected) {
            assertEquals(e[1], t.learningRate(false, (int) e[0]), 1e-15, "v-DropPath epoch " + (int) e[0]);
        }
        assertEquals(0.005, t.learningRate(true, 30), 1e-15);
        assertEquals(5e-4, t.learningRate(true, 31), 1e-15);
        assertEquals(5e-5, t.learningRate(true, 50), 1e-15);
    }

    @Test
    void aStepThatNeverTakesEffectIsAConfigError() throws IOException {
        var e = assertThrows(ConfigException.class, () -> config(List.of("training.vdpEpochs=10", "training.lrSteps=[4, 10]")));
        assertEquals("training.lrSteps[1]", e.key());
        assertTrue(e.getMessage().contains("never takes effect"), e.getMessage());
    }

    @Test
    void theStudyShiftsTheTemplatesStepsByTheWarmUpAndCountsThemTheSameWay() throws IOException {
        var c = config(List.of("training.warmupEpochs=3", "training.vdpEpochs=10", "training.lr=0.1", "training.lrSteps=[6]"));
        assertEquals(List.of(9), c.study().lrSteps());
        assertEquals(0.1, c.study().learningRate(9, 0.1), 1e-15);
        assertEquals(0.01, c.study().learningRate(10, 0.1), 1e-15);
    }
}
