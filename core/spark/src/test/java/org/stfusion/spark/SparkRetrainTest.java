package org.stfusion.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.study.StudyResults;

/**
 * {@code retrain} on Spark trains the network in a task exactly as it trains here, from the template's start and
 * fine-tuning the template's weights (handed to the task, not read from the checkpoint), and records it the same.
 */
class SparkRetrainTest {
    @TempDir
    Path tmp;

    @Test
    void aRetrainingOnSparkEqualsTheOneHere() throws IOException {
        for (boolean fineTune : List.of(false, true)) {
            Path here = MicroRun.copy(MicroRun.trained(), tmp, "here");
            Path there = MicroRun.copy(MicroRun.trained(), tmp, "there");
            StudyResults.Row local = retrain(here, List.of("study.epochs=1"), fineTune);
            TaskCounter.reset();
            StudyResults.Row spark = retrain(there, List.of("study.epochs=1", "execution.engine=spark",
                    "execution.master=\"local[2]\"", TaskCounter.OVERRIDE), fineTune);
            assertEquals(local, spark, fineTune ? "fine-tuned" : "from the template's start");
            assertEquals(1, TaskCounter.SUCCEEDED.get());
            String id = local.name();
            assertTrue(Files.isRegularFile(there.resolve("retrain-" + id + ".json")), "the submitter records it");
        }
    }

    private static StudyResults.Row retrain(Path run, List<String> overrides, boolean fineTune) {
        try (Experiment e = Experiment.open(MicroRun.plugins(), ExperimentConfig.loadRunDir(run, overrides), run,
                new PrintStream(new ByteArrayOutputStream()))) {
            StrategyDescriptor best = e.strategies().descriptor("best");
            return e.study().retrain(best, fineTune);
        }
    }
}
