package org.stfusion.core.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.stfusion.core.config.ExperimentConfig;

/**
 * The folder of one run and the names of its files: the merged config, checkpoints, core's record of the
 * scores and of a study, and what {@code retrain} and {@code materialize} write. Every file goes through
 * {@link AtomicFile}, so a reader never sees half of one.
 */
public final class RunDirectory {
    public static final String CONFIG = ExperimentConfig.FILE_NAME;
    public static final String CHECKPOINTS = "checkpoints";
    public static final String SCORES = "scores.json";
    public static final String STUDY = "study.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;

    public RunDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path checkpoints() {
        return root.resolve(CHECKPOINTS);
    }

    public Path scores() {
        return root.resolve(SCORES);
    }

    public Path study() {
        return root.resolve(STUDY);
    }

    /** Where {@code retrain} writes its result for strategy {@code id}. */
    public Path retrainResult(String id) {
        return root.resolve("retrain-" + fileSafe(id) + ".json");
    }

    /** Where a materialised network of strategy {@code id} goes unless the user names a file. */
    public Path network(String id) {
        return root.resolve("network-" + fileSafe(id) + ".zip");
    }

    /** Creates the folders and saves the merged config; call it only once every check has passed. */
    public void prepare(ExperimentConfig config) {
        try {
            Files.createDirectories(checkpoints());
            AtomicFile.write(root.resolve(CONFIG), config.toYaml().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserException("cannot write to run directory " + root + ": " + e.getMessage(), e);
        }
    }

    public void writeJson(Path file, Object value) {
        try {
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public <T> T readJson(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A value in the JSON form {@link #writeJson} gives it (e.g. a record as a map, for a manifest). */
    public static Object asJsonValue(Object value) {
        return JSON.convertValue(value, Object.class);
    }

    private static String fileSafe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
