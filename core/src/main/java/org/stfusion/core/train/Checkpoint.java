package org.stfusion.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.run.AtomicFile;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.UserException;

/**
 * A training checkpoint: one zip with {@code manifest.json} (format, provenance, stage, epochs done, RNG state,
 * history) and the arrays (weights and drop-rate logits, running statistics, optimizer velocities). Written
 * through {@link AtomicFile}, so a killed run never leaves a broken checkpoint behind.
 */
public final class Checkpoint {
    public static final String FORMAT = "stfusion-checkpoint/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /** What a checkpoint says besides its arrays. */
    public record Manifest(Provenance plugins, String stage, int warmupEpochsDone, int vdpEpochsDone,
                           byte[] rngState, String dataType, List<Map<String, Object>> history) {
    }

    public static void write(Path file, Manifest manifest, ParameterStore store, Map<String, INDArray> velocity)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("plugins", JSON.convertValue(manifest.plugins(), Map.class));
        m.put("stage", manifest.stage());
        m.put("warmupEpochsDone", manifest.warmupEpochsDone());
        m.put("vdpEpochsDone", manifest.vdpEpochsDone());
        m.put("rngState", Base64.getEncoder().encodeToString(manifest.rngState()));
        m.put("dataType", manifest.dataType());
        m.put("history", manifest.history());
        writeZip(file, m, store, velocity);
    }

    /** A standalone network file: {@code manifest} (with its own format name) plus weights and statistics. */
    public static void writeNetwork(Path file, Map<String, Object> manifest, ParameterStore store) throws IOException {
        writeZip(file, manifest, store, Map.of());
    }

    private static void writeZip(Path file, Map<String, Object> manifest, ParameterStore store,
                                 Map<String, INDArray> velocity) throws IOException {
        AtomicFile.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            zip.closeEntry();
            writeArrays(zip, "trainable/", store.trainable());
            writeArrays(zip, "state/", store.state());
            writeArrays(zip, "velocity/", velocity);
            zip.finish();
        });
    }

    /** A copy of {@code from} at {@code to}, as atomic as a checkpoint write. */
    public static void copy(Path from, Path to) throws IOException {
        AtomicFile.write(to, out -> Files.copy(from, out));
    }

    private static void writeArrays(ZipOutputStream zip, String prefix, Map<String, INDArray> arrays) throws IOException {
        for (var e : arrays.entrySet()) {
            zip.putNextEntry(new ZipEntry(prefix + e.getKey()));
            DataOutputStream out = new DataOutputStream(zip);
            Nd4j.write(e.getValue(), out);
            out.flush();
            zip.closeEntry();
        }
    }

    /** Reads only the manifest. */
    public static Manifest readManifest(Path file) {
        return read(file, null, null);
    }

    /**
     * Reads {@code file} into {@code store} (in place, every array must exist with the same shape) and
     * fills {@code velocity}; returns the manifest.
     */
    @SuppressWarnings("unchecked")
    public static Manifest read(Path file, ParameterStore store, Map<String, INDArray> velocity) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no checkpoint at " + file + " (train first, or check the run directory)");
        }
        Map<String, Object> manifest = null;
        Map<String, INDArray> arrays = new HashMap<>();
        try (InputStream in = Files.newInputStream(file);
             ZipInputStream zip = new ZipInputStream(new BufferedInputStream(in))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("manifest.json")) {
                    manifest = JSON.readValue(zip.readAllBytes(), Map.class);
                } else if (store != null) {
                    arrays.put(e.getName(), Nd4j.read(new DataInputStream(zip)));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new UserException("checkpoint " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (manifest == null || !FORMAT.equals(manifest.get("format"))) {
            throw new UserException("checkpoint " + file + " is not a " + FORMAT + " file");
        }
        if (store != null) {
            restore(file, "trainable/", store.trainable(), arrays);
            restore(file, "state/", store.state(), arrays);
            velocity.clear();
            arrays.forEach((name, a) -> {
                if (name.startsWith("velocity/")) {
                    velocity.put(name.substring("velocity/".length()), a.castTo(store.dataType()));
                }
            });
        }
        return new Manifest(JSON.convertValue(manifest.get("plugins"), Provenance.class), (String) manifest.get("stage"),
                ((Number) manifest.get("warmupEpochsDone")).intValue(), ((Number) manifest.get("vdpEpochsDone")).intValue(),
                Base64.getDecoder().decode((String) manifest.get("rngState")), (String) manifest.get("dataType"),
                new ArrayList<>((List<Map<String, Object>>) manifest.get("history")));
    }

    private static void restore(Path file, String prefix, Map<String, INDArray> target, Map<String, INDArray> arrays) {
        for (var e : target.entrySet()) {
            INDArray saved = arrays.get(prefix + e.getKey());
            if (saved == null) {
                throw new UserException("checkpoint " + file + " does not match this network: it has no '" + e.getKey()
                        + "' (was it trained with another backbone configuration?)");
            }
            if (!java.util.Arrays.equals(saved.shape(), e.getValue().shape())) {
                throw new UserException("checkpoint " + file + " does not match this network: '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(saved.shape()) + ", the network has " + java.util.Arrays.toString(e.getValue().shape()));
            }
            e.getValue().assign(saved.castTo(e.getValue().dataType()));
        }
    }
}
