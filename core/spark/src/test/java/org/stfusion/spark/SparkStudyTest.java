package org.stfusion.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.UserException;

/**
 * The study on Spark inside the test's JVM: every standalone training (S, ST, S+ST, Opt and the rank check's) is a
 * task of its own, the study gets exactly the rows and rank points of the study in this process, and a study
 * submitted again with {@code --resume} trains only what no task had recorded.
 */
class SparkStudyTest {
    /** The smallest study with a rank check: four named networks and two sampled ones, one epoch each. */
    private static final List<String> STUDY = List.of("study.epochs=1", "study.rankCheck=2");
    private static final int TRAININGS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static PluginCatalog plugins;
    private static Path trained;
    /** study.json of the study in this process: what every study on Spark must equal. */
    private static JsonNode local;

    @BeforeAll
    static void trainAndStudyHere() throws IOException {
        plugins = MicroRun.plugins();
        trained = MicroRun.trained();
        local = study(MicroRun.copy(trained, tmp, "local"), List.of(), false);
        assertEquals(4, local.get("rows").size());
        assertEquals(2, local.get("rankCheck").size());
    }

    /** One task a training; one of them dies after training, before its result is back, and its retry is recorded. */
    @Test
    void theStudyOnSparkEqualsTheStudyHere() throws IOException {
        Path run = MicroRun.copy(trained, tmp, "spark");
        System.setProperty(InjectedFailure.STUDY.property(), "1");
        try {
            TaskCounter.reset();
            // local[2,3]: two threads, a task may fail up to 3 times
            JsonNode spark = study(run, spark("local[2,3]"), false);
            assertEquals(local, spark);
            assertEquals(TRAININGS, TaskCounter.SUCCEEDED.get());
            assertEquals(1, TaskCounter.FAILED.get());
        } finally {
            System.clearProperty(InjectedFailure.STUDY.property());
        }
        // a record per training, and nothing half-written beside them
        assertEquals(List.of("Opt.json", "S.json", "ST.json", "S_ST.json", "rank_" + rankIds().get(0) + ".json",
                "rank_" + rankIds().get(1) + ".json").stream().sorted().toList(), records(run));
    }

    /**
     * A training fails for good (here the last, with no retry on {@code local[1]}): the others are recorded as they
     * arrive, study.json is not written, and the command stops. With ST's record lost too, the study submitted again
     * with --resume trains those two alone, and ends as the study here did.
     */
    @Test
    void aStudySubmittedAgainTrainsOnlyWhatNoTaskRecorded() throws IOException {
        Path run = MicroRun.copy(trained, tmp, "resumed");
        System.setProperty(InjectedFailure.STUDY.property(), String.valueOf(TRAININGS - 1));
        try {
            TaskCounter.reset();
            // one task at a time: the last one fails when the others have finished, and no other is running
            UserException e = assertThrows(UserException.class, () -> study(run, spark("local[1]"), false));
            assertTrue(e.getMessage().contains("--resume"), e.getMessage());
            assertEquals(TRAININGS - 1, TaskCounter.SUCCEEDED.get());
        } finally {
            System.clearProperty(InjectedFailure.STUDY.property());
        }
        assertFalse(Files.exists(run.resolve(RunDirectory.STUDY)));
        assertEquals(TRAININGS - 1, records(run).size());
        Files.delete(run.resolve(RunDirectory.STUDY_TRAININGS).resolve("ST.json"));

        TaskCounter.reset();
        JsonNode resumed = study(run, spark("local[2]"), true);
        assertEquals(local, resumed);
        assertEquals(2, TaskCounter.SUCCEEDED.get());
        assertEquals(TRAININGS, records(run).size());
    }

    private static List<String> spark(String master) {
        return List.of("execution.engine=spark", "execution.master=\"" + master + "\"", TaskCounter.OVERRIDE);
    }

    private static List<String> rankIds() {
        List<String> ids = new ArrayList<>();
        local.get("rankCheck").forEach(p -> ids.add(p.get("id").asText()));
        return ids;
    }

    /** The files in the run's study/ folder, sorted. */
    private static List<String> records(Path run) throws IOException {
        try (Stream<Path> files = Files.list(run.resolve(RunDirectory.STUDY_TRAININGS))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs the study on {@code run} with {@code overrides} (after {@link #STUDY}) and returns its study.json. */
    private static JsonNode study(Path run, List<String> overrides, boolean resume) throws IOException {
        List<String> all = new ArrayList<>(STUDY);
        all.addAll(overrides);
        try (Experiment e = Experiment.open(plugins, ExperimentConfig.loadRunDir(run, all), run, MicroRun.quiet())) {
            e.study().run(e.analyze(), resume);
        }
        return JSON.readTree(run.resolve(RunDirectory.STUDY).toFile());
    }
}
