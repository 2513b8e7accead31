package org.stfusion.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.run.UserException;

/**
 * The checkpoints of one training: {@code epoch-NNNN.zip} after every epoch (NNNN = epochs done over both
 * stages, 0000 = the initial weights), of which the newest {@code keep} stay, and {@code warmup.zip}, the end of
 * the warm-up, which always stays. Loading takes the newest checkpoint that verifies; a damaged one is reported
 * and the previous one used, so a power cut during a write costs at most one epoch.
 */
public final class CheckpointStore {
    public static final String WARMUP = "warmup.zip";
    /** The single checkpoint of runs made before numbered checkpoints; read when nothing newer is there. */
    static final String LEGACY_LAST = "last.zip";
    /** {@code epoch-NNNN.zip} at an epoch's end; {@code epoch-NNNN-batch-BBBBBB.zip} BBBBBB batches into the next one. */
    private static final Pattern NUMBERED = Pattern.compile("epoch-(\\d{4,9})(?:-batch-(\\d{6,9}))?\\.zip");

    private final Path folder;
    private final int keep;

    public CheckpointStore(Path folder, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
        }
        this.folder = folder;
        this.keep = keep;
    }

    public Path folder() {
        return folder;
    }

    /** Writes the checkpoint after {@code epochsDone} epochs (both stages) and drops the ones beyond {@code keep}. */
    public Path save(int epochsDone, Checkpoint.Manifest manifest, ParameterStore store, Map<String, INDArray> velocity) {
        EpochProgress progress = manifest.epochInProgress();
        Path file = folder.resolve(progress == null ? String.format(java.util.Locale.ROOT, "epoch-%04d.zip", epochsDone)
                : String.format(java.util.Locale.ROOT, "epoch-%04d-batch-%06d.zip", epochsDone, progress.batchesDone()));
        deleteLeftoverTemporaryFiles();
        Checkpoint.write(file, manifest, store, velocity);
        List<Path> numbered = numbered();
        for (Path old : numbered.subList(Math.min(keep, numbered.size()), numbered.size())) {
            delete(old);
        }
        delete(folder.resolve(LEGACY_LAST)); // superseded by the numbered ones
        return file;
    }

    /** Keeps {@code checkpoint} as the end of the warm-up. */
    public void keepAsWarmup(Path checkpoint) {
        Checkpoint.copy(checkpoint, folder.resolve(WARMUP));
    }

    /** Whether a training has written anything here. */
    public boolean exists() {
        return !candidates().isEmpty();
    }

    /** The checkpoints to try, newest first. */
    public List<Path> candidates() {
        List<Path> all = new ArrayList<>(numbered());
        Path legacy = folder.resolve(LEGACY_LAST);
        if (Files.isRegularFile(legacy)) {
            all.add(legacy);
        }
        return all;
    }

    /** The newest checkpoint's manifest (not verified), for checks made before anything is loaded. */
    public Checkpoint.Manifest newestManifest(Consumer<String> warn) {
        UserException first = null;
        for (Path file : candidates()) {
            try {
                return Checkpoint.readManifest(file);
            } catch (Checkpoint.Damaged e) {
                warn.accept(e.getMessage() + "; trying the previous checkpoint");
                first = first == null ? e : first;
            }
        }
        throw noGoodCheckpoint(first);
    }

    /** A verified checkpoint read into the network and optimizer, and which file it was. */
    public record Loaded(Path file, Checkpoint.Manifest manifest) {
    }

    /**
     * Loads the newest checkpoint that verifies into {@code store} and {@code velocity}; a damaged one is reported
     * to {@code warn} and skipped. Fails when there is none, or when every one is damaged.
     */
    public Loaded loadNewest(ParameterStore store, Map<String, INDArray> velocity, Consumer<String> warn) {
        UserException first = null;
        for (Path file : candidates()) {
            try {
                return new Loaded(file, Checkpoint.read(file, store, velocity));
            } catch (Checkpoint.Damaged e) {
                warn.accept(e.getMessage() + "; trying the previous checkpoint");
                first = first == null ? e : first;
            }
        }
        throw noGoodCheckpoint(first);
    }

    private UserException noGoodCheckpoint(UserException firstDamage) {
        if (firstDamage == null) {
            return new UserException("no checkpoint in " + folder + " (train first, or check the run directory)");
        }
        return new UserException("no usable checkpoint in " + folder + ": every one is damaged (newest: "
                + firstDamage.getMessage() + ")", firstDamage);
    }

    private List<Path> numbered() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> NUMBERED.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointStore::epochs).thenComparingLong(CheckpointStore::batches)
                            .reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /** What a write cut by a kill left behind: hidden, never read, but worth its disk space back. */
    private void deleteLeftoverTemporaryFiles() {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".tmp"))
                    .forEach(CheckpointStore::delete);
        } catch (IOException e) {
            // leftovers cost space only
        }
    }

    private static long epochs(Path numbered) {
        Matcher m = NUMBERED.matcher(numbered.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long batches(Path numbered) {
        Matcher m = NUMBERED.matcher(numbered.getFileName().toString());
        return m.matches() && m.group(2) != null ? Long.parseLong(m.group(2)) : 0;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // An old checkpoint left behind costs disk space, not correctness: the newest is read first.
        }
    }
}
