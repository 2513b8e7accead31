package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run SIGKILLed again and again, at random moments and while checkpoints are being written, and resumed each
 * time through the packaged launcher, ends with weights, drop-rate logits, BN statistics, optimizer state and
 * results bit-identical to a run that was never interrupted; after every kill each checkpoint on disk verifies.
 */
class KillAndResumeIT {
    private static final String HOME_PROPERTY = "stfusion.distribution";
    private static final Path HOME = Path.of(System.getProperty(HOME_PROPERTY, "target/stfusion"));
    private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml");
    private static final List<String> SMALL = List.of("backbone.initFeatures=8", "backbone.growth=8",
            "backbone.blocks=[2,2]", "dataset.classes=2", "dataset.size=16", "dataset.frames=4", "dataset.trainSize=64",
            "dataset.valSize=32", "training.warmupEpochs=1", "training.vdpEpochs=3", "training.lrSteps=[2]",
            "sampling.count=8", "reporters=[{name: json}]");
    /** Epochs of SMALL over both stages: its last checkpoint is epoch-0004.zip. */
    private static final int EPOCHS = 4;
    private static final int KILLS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void onlyAfterTheAssembly() {
        assumeTrue(System.getProperty(HOME_PROPERTY) != null, "runs in the verify phase only");
    }

    private static Process start(Path out, boolean resume) throws IOException {
        return start(out, resume, SMALL);
    }

    private static Process start(Path out, boolean resume, List<String> settings) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/stfusion").toString(), "run", EXAMPLE.toString(),
                "--out", out.toString(), "-q"));
        settings.forEach(s -> cmd.addAll(List.of("--set", s)));
        if (resume) {
            cmd.add("--resume");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolveSibling(out.getFileName() + ".out").toFile());
        pb.environment().put("STFUSION_HEAP", "768m");
        return pb.start();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aRunKilledAtRandomMomentsEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String context = "random seed " + seed;

        Path reference = tmp.resolve("reference");
        long t0 = System.nanoTime();
        Process ref = start(reference, false);
        // How long a start takes (JVM, natives, data) before training writes its first checkpoint, and an epoch:
        // each attempt is killed within its first epochs, so that the kills land all through the training.
        double startup = Double.NaN;
        double trained = Double.NaN;
        String lastCheckpoint = String.format("checkpoints/epoch-%04d.zip", EPOCHS);
        while (ref.isAlive() && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(5)) {
            double now = (System.nanoTime() - t0) / 1e9;
            if (Double.isNaN(startup) && Files.exists(reference.resolve("checkpoints/epoch-0000.zip"))) {
                startup = now;
            }
            if (Double.isNaN(trained) && Files.exists(reference.resolve(lastCheckpoint))) {
                trained = now;
            }
            Thread.sleep(5);
        }
        assertTrue(ref.waitFor(1, TimeUnit.MINUTES), "the reference run did not finish");
        assertEquals(0, ref.exitValue(), Files.readString(tmp.resolve("reference.out")));
        double epoch = (trained - startup) / EPOCHS;

        Path killed = tmp.resolve("killed");
        int midWrite = 0;
        long furthest = -1;
        for (int kill = 0; kill < KILLS; kill++) {
            Process p = start(killed, kill > 0);
            boolean duringWrite = kill % 3 == 2;
            if (duringWrite) {
                waitForTemporaryCheckpoint(killed.resolve("checkpoints"), p, 120);
            } else {
                // After the attempt's next checkpoint (if training has one left), a random moment of the next epoch.
                waitForProgress(killed, p, 120);
                Thread.sleep((long) (1000 * random.nextDouble() * epoch));
            }
            boolean alive = p.isAlive();
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            p.waitFor(60, TimeUnit.SECONDS);
            if (duringWrite && alive && hasTemporaryFile(killed.resolve("checkpoints"))) {
                midWrite++;
            }
            int verified = verifyEveryCheckpoint(killed.resolve("checkpoints"), context + ", after kill " + (kill + 1));
            if (Files.isDirectory(killed.resolve("checkpoints")) && verified > 0) {
                furthest = Math.max(furthest, epochs(newest(killed)));
            }
            System.out.printf("kill %d (%s): %d checkpoints verified%n", kill + 1,
                    duringWrite ? "while a checkpoint was being written" : "at a random moment", verified);
        }
        Process last = start(killed, true);
        assertTrue(last.waitFor(5, TimeUnit.MINUTES), "the resumed run did not finish");
        assertEquals(0, last.exitValue(), Files.readString(tmp.resolve("killed.out")));
        System.out.printf("%d kills, %d of them cut a checkpoint write, the killed run got to epoch %d before its last "
                + "resume (%s)%n", KILLS, midWrite, furthest, context);
        assertTrue(furthest >= 1, "the kills should land all through the training, not only at its start: " + context);

        Map<String, String> expected = entries(newest(reference));
        Map<String, String> actual = entries(newest(killed));
        List<String> differing = new ArrayList<>();
        expected.forEach((name, sha) -> {
            if (!sha.equals(actual.get(name))) {
                differing.add(name);
            }
        });
        assertEquals(expected.keySet(), actual.keySet(), "the final checkpoints' entries, " + context);
        assertEquals(List.of(), differing, "arrays of the final checkpoint that differ from the uninterrupted run's, "
                + context);
        assertEquals(comparable(reference), comparable(killed), "results.json, " + context);
    }

    /**
     * Two processes on one run folder: the second is refused by the operating-system lock, naming the first (that a
     * refusal changes no file is shown in-process by RunFolderSafetyTest).
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSecondProcessOnTheSameFolderIsRefusedWhileTheFirstRuns() throws Exception {
        Path run = tmp.resolve("shared");
        // Long enough that the first is still training when the second has started its JVM (SMALL alone finished
        // in that time once training got faster).
        List<String> settings = new ArrayList<>(SMALL);
        settings.add("training.vdpEpochs=500");
        Process first = start(run, false, settings);
        try {
            Path lock = run.resolve(".stfusion-lock");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (first.isAlive() && System.nanoTime() < deadline
                    && !(Files.isRegularFile(lock) && Files.size(lock) > 0 && Files.isDirectory(run.resolve("checkpoints")))) {
                Thread.sleep(20);
            }
            assertTrue(first.isAlive(), "the first run ended before the second started");
            Path second = tmp.resolve("second.out");
            List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/stfusion").toString(), "run", EXAMPLE.toString(),
                    "--out", run.toString(), "--resume"));
            settings.forEach(x -> cmd.addAll(List.of("--set", x)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(second.toFile()).start();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES));
            String out = Files.readString(second);
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("is in use by another stfusion process (pid " + first.pid()), out);
        } finally {
            first.destroyForcibly();
            first.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Blocks until the run has a checkpoint newer than now, its training is done, or the process ends. */
    private static void waitForProgress(Path run, Process p, int seconds) throws Exception {
        long from = newestEpoch(run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (from < EPOCHS && p.isAlive() && System.nanoTime() < deadline && newestEpoch(run) <= from) {
            Thread.sleep(2);
        }
    }

    private static long newestEpoch(Path run) {
        try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("epoch-\\d+\\.zip"))
                    .mapToLong(n -> Long.parseLong(n.substring(6, n.length() - 4))).max().orElse(-1);
        } catch (IOException e) {
            return -1; // no folder yet, or it changed while listing
        }
    }

    /** Blocks until a checkpoint's temporary file appears (the write is under way) or the process ends. */
    private static void waitForTemporaryCheckpoint(Path folder, Process p, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (p.isAlive() && System.nanoTime() < deadline && !hasTemporaryFile(folder)) {
            Thread.onSpinWait();
        }
    }

    private static boolean hasTemporaryFile(Path folder) {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        } catch (IOException e) {
            return false; // the folder changed while listing
        }
    }

    /** Every checkpoint on disk opens and matches its manifest, entry by entry; returns how many there are. */
    private static int verifyEveryCheckpoint(Path folder, String context) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        List<Path> zips;
        try (Stream<Path> files = Files.list(folder)) {
            zips = files.filter(f -> f.getFileName().toString().endsWith(".zip")).toList();
        }
        for (Path zip : zips) {
            try (ZipFile z = new ZipFile(zip.toFile())) {
                JsonNode manifest = JSON.readTree(z.getInputStream(z.getEntry("manifest.json")));
                for (JsonNode entry : manifest.get("entries")) {
                    ZipEntry e = z.getEntry(entry.get("name").asText());
                    assertTrue(e != null, zip + " lacks " + entry + ", " + context);
                    try (InputStream in = z.getInputStream(e)) {
                        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
                        assertEquals(entry.get("sha256").asText(), sha, zip + " " + entry.get("name") + ", " + context);
                    }
                }
            } catch (IOException | NullPointerException e) {
                throw new AssertionError(zip + " is unreadable, " + context, e);
            }
        }
        return zips.size();
    }

    private static long epochs(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        return Long.parseLong(name.substring("epoch-".length(), name.length() - ".zip".length()));
    }

    private static Path newest(Path run) throws IOException {
        return ExperimentTest.newestCheckpoint(run);
    }

    /** The checkpoint's arrays (weights, θ, BN statistics, velocities) by entry name, as their SHA-256. */
    private static Map<String, String> entries(Path checkpoint) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (ZipFile z = new ZipFile(checkpoint.toFile())) {
            JSON.readTree(z.getInputStream(z.getEntry("manifest.json"))).get("entries")
                    .forEach(e -> out.put(e.get("name").asText(), e.get("sha256").asText()));
        }
        return out;
    }

    /** results.json without what depends on the clock. */
    private static JsonNode comparable(Path run) throws IOException {
        JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
        for (JsonNode row : results.at("/training/history")) {
            ((ObjectNode) row).remove(List.of("seconds", "dataWaitSeconds"));
        }
        ((ObjectNode) results.get("training")).remove("compute");
        return results;
    }
}
