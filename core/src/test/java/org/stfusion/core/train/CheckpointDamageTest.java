package org.stfusion.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.TestNetworks;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.UserException;

/**
 * Damaged checkpoints are never loaded half-way: a file cut anywhere, a flipped byte, a missing entry or manifest
 * field is reported as damaged with nothing changed, and the store falls back to the previous good checkpoint.
 */
class CheckpointDamageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private TemplateNetwork net;
    private Map<String, INDArray> velocity;

    @BeforeEach
    void network() {
        net = TestNetworks.microTemplate(DataType.FLOAT, new InputSpec(3, 4, 8, 8, 3));
        velocity = new LinkedHashMap<>();
        net.store().trainable().forEach((name, w) -> velocity.put(name, w.mul(0.5)));
    }

    private Checkpoint.Manifest manifest(int epochs) {
        return new Checkpoint.Manifest(null, "vdp", 1, epochs - 1, new byte[] {1, 2, 3}, "FLOAT",
                List.of(Map.of("epoch", epochs)), 0.25, 1, Map.of("mode", "inflated", "file", "/w/densenet121.safetensors"));
    }

    @Test
    void aCheckpointReadsBackExactly() {
        Path file = tmp.resolve("epoch-0002.zip");
        Checkpoint.write(file, manifest(2), net.store(), velocity);
        Map<String, INDArray> before = copy(net.store().trainable());
        net.store().trainable().values().forEach(w -> w.assign(0));

        Map<String, INDArray> restoredVelocity = new HashMap<>();
        Checkpoint.Manifest m = Checkpoint.read(file, net.store(), restoredVelocity);

        assertEquals(0.25, m.lrScale());
        assertEquals(1, m.faultRetries());
        assertEquals(Map.of("mode", "inflated", "file", "/w/densenet121.safetensors"), m.initialisation());
        assertArrayEquals(new byte[] {1, 2, 3}, m.rngState());
        before.forEach((name, w) -> assertEquals(w, net.store().trainable().get(name), name));
        velocity.forEach((name, v) -> assertEquals(v, restoredVelocity.get(name), name));
    }

    @Test
    void aFileCutAnywhereIsDamagedAndChangesNothing() throws IOException {
        Path file = tmp.resolve("epoch-0002.zip");
        Checkpoint.write(file, manifest(2), net.store(), velocity);
        byte[] whole = Files.readAllBytes(file);
        Map<String, INDArray> before = copy(net.store().trainable());
        Path cut = tmp.resolve("cut.zip");
        for (int i = 1; i <= 12; i++) {
            Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * i / 13));
            net.store().trainable().values().forEach(w -> w.addi(1)); // anything a half-load would overwrite
            Map<String, INDArray> changed = copy(net.store().trainable());
            var e = assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(cut, net.store(), new HashMap<>()));
            assertTrue(e.getMessage().startsWith("checkpoint " + cut + " is damaged"), e.getMessage());
            changed.forEach((name, w) -> assertEquals(w, net.store().trainable().get(name), "untouched " + name));
        }
        assertFalse(before.isEmpty());
    }

    @Test
    void aFlippedByteInAnyArrayIsCaughtByItsChecksum() throws IOException {
        Path file = tmp.resolve("epoch-0002.zip");
        Checkpoint.write(file, manifest(2), net.store(), velocity);
        List<String> arrays = entryNames(file).stream().filter(n -> !n.equals(Checkpoint.MANIFEST)).toList();
        for (String name : List.of(arrays.get(0), arrays.get(arrays.size() / 2), arrays.get(arrays.size() - 1))) {
            Path flipped = rewrite(file, name, bytes -> {
                byte[] b = bytes.clone();
                b[b.length - 1] ^= 0x10; // the last value's low bits: still a well-formed array
                return b;
            }, UnaryOperator.identity());
            var e = assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(flipped, net.store(), new HashMap<>()));
            assertTrue(e.getMessage().contains("'" + name + "' does not match its checksum"), e.getMessage());
        }
    }

    @Test
    void aMissingEntryOrManifestFieldIsDamagedNotSilentlyDefaulted() throws IOException {
        Path file = tmp.resolve("epoch-0002.zip");
        Checkpoint.write(file, manifest(2), net.store(), velocity);
        String momentum = entryNames(file).stream().filter(n -> n.startsWith("velocity/")).findFirst().orElseThrow();
        Path noMomentum = rewrite(file, momentum, null, UnaryOperator.identity());
        var e = assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(noMomentum, net.store(), new HashMap<>()));
        assertTrue(e.getMessage().contains("'" + momentum + "' listed in its manifest is missing"), e.getMessage());

        for (String field : List.of("stage", "warmupEpochsDone", "vdpEpochsDone", "rngState", "history", "entries")) {
            Path noField = rewrite(file, null, null, m -> {
                m.remove(field);
                return m;
            });
            var missing = assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(noField, net.store(), new HashMap<>()));
            assertTrue(missing.getMessage().contains("no valid '" + field + "'"), field + ": " + missing.getMessage());
        }
        Path noManifest = rewrite(file, Checkpoint.MANIFEST, null, UnaryOperator.identity());
        assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.readManifest(noManifest));
    }

    @Test
    void theStoreFallsBackToThePreviousGoodCheckpointAndKeepsOnlyTheNewest() throws IOException {
        Path folder = tmp.resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(folder, 2);
        for (int epoch = 0; epoch <= 3; epoch++) {
            store.save(epoch, manifest(epoch + 1), net.store(), velocity);
        }
        assertEquals(List.of(folder.resolve("epoch-0003.zip"), folder.resolve("epoch-0002.zip")), store.candidates());

        byte[] newest = Files.readAllBytes(folder.resolve("epoch-0003.zip"));
        Files.write(folder.resolve("epoch-0003.zip"), java.util.Arrays.copyOf(newest, newest.length / 2));
        List<String> warnings = new ArrayList<>();
        CheckpointStore.Loaded loaded = store.loadNewest(net.store(), new HashMap<>(), warnings::add);
        assertEquals(folder.resolve("epoch-0002.zip"), loaded.file());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("epoch-0003.zip is damaged"), warnings.get(0));

        Files.write(folder.resolve("epoch-0002.zip"), new byte[0]);
        var e = assertThrows(UserException.class, () -> store.loadNewest(net.store(), new HashMap<>(), w -> { }));
        assertTrue(e.getMessage().contains("every one is damaged"), e.getMessage());
    }

    @Test
    void aTemporaryFileLeftByAKilledWriteIsNeverACandidate() throws IOException {
        Path folder = tmp.resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(folder, 3);
        store.save(0, manifest(1), net.store(), velocity);
        Files.write(folder.resolve(".epoch-0001.zip.5f3a.tmp"), new byte[] {1, 2});
        assertEquals(List.of(folder.resolve("epoch-0000.zip")), store.candidates());
        store.save(1, manifest(2), net.store(), velocity);
        assertFalse(Files.exists(folder.resolve(".epoch-0001.zip.5f3a.tmp")), "the next save clears leftovers");
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static List<String> entryNames(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return z.stream().map(ZipEntry::getName).toList();
        }
    }

    /**
     * A copy of {@code zip} with entry {@code name} changed by {@code change} (removed when null) and the manifest
     * changed by {@code manifest} (its checksums left as they were).
     */
    private Path rewrite(Path zip, String name, UnaryOperator<byte[]> change, UnaryOperator<ObjectNode> manifest)
            throws IOException {
        Path out = Files.createTempFile(tmp, "damaged", ".zip");
        try (ZipFile in = new ZipFile(zip.toFile()); ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().equals(Checkpoint.MANIFEST)) {
                    bytes = JSON.writeValueAsBytes(manifest.apply((ObjectNode) JSON.readTree(bytes)));
                }
                if (e.getName().equals(name)) {
                    if (change == null) {
                        continue;
                    }
                    bytes = change.apply(bytes);
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(bytes);
                z.closeEntry();
            }
        }
        return out;
    }
}
