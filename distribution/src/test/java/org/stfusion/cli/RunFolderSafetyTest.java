package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.RunLock;

/**
 * What a careful user can do wrong with run folders and what a broken checkpoint or a full disk does: every
 * refusal is exit 2 and one line with every file of the folder as it was; a failed results write is exit 4; a
 * NaN weight is flagged, never scored 100 %. One micro run is trained once and copied for each case.
 */
class RunFolderSafetyTest {
    private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml");
    private static final List<String> MICRO = List.of("backbone.initFeatures=8", "backbone.growth=8",
            "backbone.blocks=[2,2]", "dataset.classes=2", "dataset.size=16", "dataset.frames=4", "dataset.trainSize=64",
            "dataset.valSize=32", "training.warmupEpochs=1", "training.vdpEpochs=2", "training.lrSteps=[]",
            "sampling.count=10", "reporters=[{name: json}]");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    private static Path trained;

    static String[] args(String command, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, EXAMPLE.toString(), "--out", out.toString(), "-q"));
        for (String s : MICRO) {
            a.add("--set");
            a.add(s);
        }
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @BeforeAll
    static void trainOnce() {
        trained = shared.resolve("trained");
        var r = StfusionCliTest.run(args("run", trained));
        assertEquals(0, r.code(), r.toString());
    }

    private Path copyOfTheRun() throws IOException {
        Path copy = tmp.resolve("run");
        try (Stream<Path> files = Files.walk(trained)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(trained.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return copy;
    }

    /** Every file under {@code dir} by relative path, with the SHA-256 of its content. */
    static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    @Test
    void runOntoAFinishedRunIsRefusedAndChangesNoFile() throws Exception {
        Path run = copyOfTheRun();
        var before = hashes(run);
        String msg = StfusionCliTest.userError(StfusionCliTest.run(args("run", run, "--set", "sampling.seed=99")));
        assertTrue(msg.contains("already holds a training run"), msg);
        assertEquals(before, hashes(run));
    }

    @Test
    void runOntoAUsersFolderIsRefusedAndChangesNoFile() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("config.yaml"), "# my notes, keep them\nname: mine\n");
        var before = hashes(mine);
        String msg = StfusionCliTest.userError(StfusionCliTest.run(args("run", mine)));
        assertTrue(msg.contains("is not empty and is not a stfusion run folder"), msg);
        assertEquals(before, hashes(mine));
        try (Stream<Path> files = Files.list(mine)) {
            assertEquals(1, files.count(), "no marker, lock or log left behind");
        }
    }

    @Test
    void aSecondProcessOnTheSameRunIsRefusedNamingTheHolder() throws Exception {
        Path run = copyOfTheRun();
        var before = hashes(run);
        try (RunLock held = new RunDirectory(run).lock("stfusion run elsewhere.yaml")) {
            var during = hashes(run);
            for (String[] command : List.of(args("run", run, "--resume"), new String[] {"sample", run.toString()},
                    new String[] {"train", run.toString(), "--resume"})) {
                String msg = StfusionCliTest.userError(StfusionCliTest.run(command));
                assertTrue(msg.contains("is in use by another stfusion process (pid " + ProcessHandle.current().pid()), msg);
                assertTrue(msg.contains("stfusion run elsewhere.yaml"), msg);
                assertEquals(during, hashes(run), String.join(" ", command));
            }
        }
        assertEquals(before, hashes(run), "the released lock is as it was");
    }

    /** This build has no Spark engine: asking for it is one line saying how to get it, before anything is touched. */
    @Test
    void sparkWithoutTheSparkFlavourIsRefusedAndChangesNoFile() throws Exception {
        Path run = copyOfTheRun();
        var before = hashes(run);
        String msg = StfusionCliTest.userError(StfusionCliTest.run("sample", run.toString(), "--execution", "spark",
                "--master", "local[2]"));
        assertEquals("stfusion: execution.engine: spark is not installed here: this installation has no stfusion-spark module and "
                + "Apache Spark; install the Spark flavour of stfusion (built with -Pspark), or set "
                + "execution.engine: local", msg);
        assertEquals(before, hashes(run));
        Path fresh = tmp.resolve("fresh");
        msg = StfusionCliTest.userError(StfusionCliTest.run(args("run", fresh, "--execution", "spark")));
        assertTrue(msg.startsWith("stfusion: execution.engine: spark is not installed here"), msg);
        assertTrue(!Files.exists(fresh) || hashes(fresh).isEmpty(), "nothing written for a refused run");
        // a run made on Spark is still analysed and exported where Spark is not installed
        Files.writeString(run.resolve("config.yaml"), Files.readString(run.resolve("config.yaml"))
                + "execution:\n  engine: spark\n");
        var analysed = StfusionCliTest.run("analyze", run.toString(), "-q");
        assertEquals(0, analysed.code(), analysed.toString());
        var exported = StfusionCliTest.run("export", run.toString(), "--out", tmp.resolve("m.safetensors").toString(), "-q");
        assertEquals(0, exported.code(), exported.toString());
    }

    @Test
    void resumingWithAnotherNetworkIsRefusedNamingTheKey() throws Exception {
        Path run = copyOfTheRun();
        var before = hashes(run);
        String msg = StfusionCliTest.userError(StfusionCliTest.run(args("run", run, "--resume", "--set", "backbone.growth=12")));
        assertTrue(msg.startsWith("stfusion: backbone.growth: "), msg);
        assertEquals(before, hashes(run));
    }

    @Test
    void aResultsFileThatCannotBeWrittenFailsTheCommandNamingIt() throws Exception {
        Path run = copyOfTheRun();
        Files.delete(run.resolve("results.json"));
        Files.createDirectories(run.resolve("results.json").resolve("occupied"));
        var r = StfusionCliTest.run("analyze", run.toString(), "-q");
        assertEquals(StfusionCli.EXIT_OUTPUT, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("reporter 'json' failed: cannot write " + run.resolve("results.json")), r.err());
        assertTrue(r.err().contains("the scores are safe in " + run.resolve("scores.json")), r.err());
        assertFalse(r.out().contains("Results:"), "no results line pointing at a file that is not there: " + r.out());
    }

    @Test
    void aNanWeightIsFlaggedAndNoStrategyKeepingItScores() throws Exception {
        Path run = copyOfTheRun();
        Path newest = ExperimentTest.newestCheckpoint(run);
        String poisoned = withNanWeight(newest, "ST");
        var r = StfusionCliTest.run("sample", run.toString(), "-q");
        assertEquals(0, r.code(), r.toString());
        JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
        String position = poisoned.substring(0, poisoned.indexOf(".ST."));
        int flagged = 0;
        for (JsonNode s : results.get("strategies")) {
            boolean keepsIt = keepsTemporalAt(results, s, position);
            if (keepsIt) {
                flagged++;
                assertEquals(0.0, s.get("top1").asDouble(), s.toString());
                assertTrue(s.get("nonFiniteItems").asLong() > 0, s.toString());
            } else {
                assertTrue(s.get("nonFiniteItems") == null || s.get("nonFiniteItems").isNull(), s.toString());
            }
        }
        assertTrue(results.at("/named/ST/nonFiniteItems").asLong() > 0, results.get("named").toString());
        assertEquals(0.0, results.at("/named/ST/top1").asDouble());
        assertTrue(results.at("/named/S/nonFiniteItems").isMissingNode() || results.at("/named/S/nonFiniteItems").isNull());
        assertTrue(flagged > 0, "some sampled strategy keeps the poisoned path: " + results.get("strategies"));
        for (JsonNode s : results.get("strategies")) {
            assertTrue(s.get("top1").asDouble() < 1.0 || !keepsTemporalAt(results, s, position), s.toString());
        }
    }

    /** Whether strategy {@code s} keeps the temporal (ST) path at position {@code prefix}. */
    private static boolean keepsTemporalAt(JsonNode results, JsonNode s, String prefix) {
        List<String> names = new ArrayList<>();
        results.get("positions").forEach(p -> names.add(p.get("name").asText()));
        for (int i = 0; i < names.size(); i++) {
            if (prefix.equals(names.get(i))) {
                return s.get("units").get(i).asText().contains("ST");
            }
        }
        throw new AssertionError("no position for weight prefix " + prefix + " among " + names);
    }

    /**
     * Rewrites {@code checkpoint} with one weight of a {@code path} fusion unit set to NaN (and its checksum updated,
     * as a buggy optimizer would have saved it); returns the weight's name.
     */
    static String withNanWeight(Path checkpoint, String path) throws Exception {
        Path out = checkpoint.resolveSibling("poisoned.zip");
        String poisoned = null;
        try (ZipFile in = new ZipFile(checkpoint.toFile()); ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            ObjectNode manifest = (ObjectNode) JSON.readTree(in.getInputStream(in.getEntry("manifest.json")));
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().equals("manifest.json")) {
                    continue;
                }
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (poisoned == null && e.getName().startsWith("trainable/") && e.getName().endsWith("." + path + ".conv.weight")) {
                    INDArray w = Nd4j.read(new DataInputStream(new java.io.ByteArrayInputStream(bytes)));
                    w.putScalar(0, Double.NaN);
                    var buffer = new java.io.ByteArrayOutputStream();
                    Nd4j.write(w, new DataOutputStream(buffer));
                    bytes = buffer.toByteArray();
                    poisoned = e.getName().substring("trainable/".length());
                    for (JsonNode entry : (ArrayNode) manifest.get("entries")) {
                        if (entry.get("name").asText().equals(e.getName())) {
                            ((ObjectNode) entry).put("bytes", bytes.length);
                            ((ObjectNode) entry).put("sha256", HexFormat.of().formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(bytes)));
                        }
                    }
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(bytes);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("manifest.json"));
            z.write(JSON.writeValueAsBytes(manifest));
            z.closeEntry();
        }
        if (poisoned == null) {
            throw new AssertionError("no " + path + " weight in " + checkpoint);
        }
        Files.move(out, checkpoint, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return poisoned;
    }
}
