package org.stfusion.core.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.core.config.ExperimentConfig;

/**
 * The folder of one run and the names of its files: the marker that makes it a run, the merged config,
 * checkpoints, core's record of the scores and of a study, and what {@code retrain} and {@code materialize}
 * write. Every file goes through {@link AtomicFile}, so a reader never sees half of one; a command works on a
 * run only while it holds the run's {@link RunLock}.
 */
public final class RunDirectory {
    public static final String CONFIG = ExperimentConfig.FILE_NAME;
    public static final String CHECKPOINTS = "checkpoints";
    public static final String SCORES = "scores.json";
    public static final String STUDY = "study.json";
    /** The folder of the study's trainings that ran in a cluster's tasks, a file each. */
    public static final String STUDY_TRAININGS = "study";
    /** Present in every run folder: what tells a run from a user's folder that happens to hold a config.yaml. */
    public static final String MARKER = ".stfusion-run";
    private static final DateTimeFormatter DEFAULT_NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;

    public RunDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * Creates a new run folder {@code <parent>/<name>-<yyyyMMdd-HHmmss>}, with {@code -2}, {@code -3}, ... appended
     * when a run started in the same second already took the name: creating a folder is atomic, so two runs
     * started together never share one.
     */
    public static RunDirectory createDefault(Path parent, String name) {
        String base = name + "-" + LocalDateTime.now().format(DEFAULT_NAME_TIME);
        try {
            Files.createDirectories(parent);
            for (int n = 1; ; n++) {
                Path candidate = parent.resolve(n == 1 ? base : base + "-" + n);
                try {
                    Files.createDirectory(candidate);
                    return new RunDirectory(candidate);
                } catch (FileAlreadyExistsException taken) {
                    // another run of this second; try the next suffix
                }
            }
        } catch (IOException e) {
            throw new OutputException("cannot create a run folder in " + parent + ": " + e.getMessage(), e);
        }
    }

    /** Whether this folder holds a run: the marker, or (runs made before it) config.yaml beside checkpoints/. */
    public boolean isRun() {
        return Files.isRegularFile(root.resolve(MARKER))
                || (Files.isRegularFile(root.resolve(CONFIG)) && Files.isDirectory(checkpoints()));
    }

    /**
     * Refuses, before anything is written, a folder that is neither new, empty, nor a run: {@code --out} must
     * never write into (or over the {@code config.yaml} of) a folder of the user's.
     */
    public void requireNewEmptyOrRun() {
        if (!Files.exists(root)) {
            return;
        }
        if (!Files.isDirectory(root)) {
            throw new UserException("--out " + root + " is a file, not a folder; choose a new folder for the run");
        }
        if (isRun()) {
            return;
        }
        try (var entries = Files.list(root)) {
            if (entries.findAny().isPresent()) {
                throw new UserException("--out " + root + " is not empty and is not a stfusion run folder; nothing was "
                        + "written to it. Choose a new or empty folder (a run folder is marked by " + MARKER + ")");
            }
        } catch (IOException e) {
            throw new UserException("cannot read " + root + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a folder that is not a run (for the commands that work on an existing run). */
    public void requireRun() {
        if (!Files.isDirectory(root) || !isRun()) {
            throw new UserException(root + " is not a run folder (it has no " + MARKER + ", nor " + CONFIG + " beside "
                    + CHECKPOINTS + "/); give the folder a `stfusion run` wrote");
        }
    }

    /**
     * Takes the run's lock for {@code command} (creating the folder and its marker if new); refuses, naming the
     * holder, while another process works on the same run.
     */
    public RunLock lock(String command) {
        try {
            Files.createDirectories(root);
            writeMarker();
        } catch (IOException e) {
            throw new OutputException("cannot create run folder " + root + ": " + e.getMessage(), e);
        }
        return RunLock.acquire(root, command);
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

    /**
     * Where a study's training named {@code name} records its result when it runs in a cluster's task:
     * {@code study/<name>.json}, one file a training, so that tasks never write the same file.
     */
    public Path studyTraining(String name) {
        return root.resolve(STUDY_TRAININGS).resolve(fileSafe(name) + ".json");
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
            writeMarker();
            AtomicFile.write(root.resolve(CONFIG), config.toYaml().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OutputException("cannot write to run directory " + root + ": " + e.getMessage(), e);
        }
    }

    private void writeMarker() throws IOException {
        Path marker = root.resolve(MARKER);
        if (!Files.exists(marker)) {
            AtomicFile.write(marker, ("stfusion run folder, created " + LocalDateTime.now() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    public void writeJson(Path file, Object value) {
        try {
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
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
