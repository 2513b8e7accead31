package org.stfusion.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.UserException;

/**
 * A training checkpoint: one zip holding the arrays (weights and drop-rate logits, running statistics, optimizer
 * velocities) and, as its last entry, {@code manifest.json} (format, provenance, stage, epochs done, RNG state,
 * learning-rate scale, history, and every array entry with its size and SHA-256). Written through
 * {@link AtomicFile}; read back only after every entry has been checked against the manifest, so a file cut
 * short, a flipped byte or a missing entry is reported as {@link Damaged} and never half-loaded.
 */
public final class Checkpoint {
    public static final String FORMAT = "stfusion-checkpoint/2";
    /** Before entries were listed with checksums: read without verification. */
    static final String FORMAT_1 = "stfusion-checkpoint/1";
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /**
     * What a checkpoint says besides its arrays. {@code lrScale} multiplies the configured learning rates;
     * {@code initialisation} is where the training's weights started (from scratch, or inflated from a 2D network's
     * file: see {@code ImageNetInflation#record}), null in checkpoints made before it was recorded.
     */
    public record Manifest(Provenance plugins, String stage, int warmupEpochsDone, int vdpEpochsDone,
                           byte[] rngState, String dataType, List<Map<String, Object>> history, double lrScale,
                           int faultRetries, Map<String, Object> initialisation, EpochProgress epochInProgress) {

        /** A checkpoint at the end of an epoch. */
        public Manifest(Provenance plugins, String stage, int warmupEpochsDone, int vdpEpochsDone, byte[] rngState,
                        String dataType, List<Map<String, Object>> history, double lrScale, int faultRetries,
                        Map<String, Object> initialisation) {
            this(plugins, stage, warmupEpochsDone, vdpEpochsDone, rngState, dataType, history, lrScale, faultRetries,
                    initialisation, null);
        }
    }

    /** A checkpoint that cannot be trusted: cut short, altered, or missing an entry or a manifest field. */
    public static final class Damaged extends UserException {
        private static final long serialVersionUID = 1L;

        Damaged(Path file, String what, Throwable cause) {
            super("checkpoint " + file + " is damaged: " + what, cause);
        }
    }

    public static void write(Path file, Manifest manifest, ParameterStore store, Map<String, INDArray> velocity) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("plugins", JSON.convertValue(manifest.plugins(), Map.class));
        m.put("stage", manifest.stage());
        m.put("warmupEpochsDone", manifest.warmupEpochsDone());
        m.put("vdpEpochsDone", manifest.vdpEpochsDone());
        m.put("rngState", Base64.getEncoder().encodeToString(manifest.rngState()));
        m.put("dataType", manifest.dataType());
        m.put("lrScale", manifest.lrScale());
        m.put("faultRetries", manifest.faultRetries());
        m.put("history", manifest.history());
        if (manifest.initialisation() != null) {
            m.put("initialisation", manifest.initialisation());
        }
        if (manifest.epochInProgress() != null) {
            m.put("epochInProgress", manifest.epochInProgress().toMap());
        }
        writeZip(file, m, store, velocity);
    }

    /** A standalone network file: {@code manifest} (with its own format name) plus weights and statistics. */
    public static void writeNetwork(Path file, Map<String, Object> manifest, ParameterStore store) {
        writeZip(file, manifest, store, Map.of());
    }

    private static void writeZip(Path file, Map<String, Object> manifest, ParameterStore store,
                                 Map<String, INDArray> velocity) {
        try {
            AtomicFile.write(file, out -> {
                ZipOutputStream zip = new ZipOutputStream(out);
                List<Map<String, Object>> entries = new ArrayList<>();
                writeArrays(zip, "trainable/", store.trainable(), entries);
                writeArrays(zip, "state/", store.state(), entries);
                writeArrays(zip, "velocity/", velocity, entries);
                Map<String, Object> withEntries = new LinkedHashMap<>(manifest);
                withEntries.put("entries", entries);
                // Last, so that a file cut anywhere has no manifest (and, with ZipFile, no central directory).
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(withEntries));
                zip.closeEntry();
                zip.finish();
            });
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
        }
    }

    private static void writeArrays(ZipOutputStream zip, String prefix, Map<String, INDArray> arrays,
                                    List<Map<String, Object>> entries) throws IOException {
        for (var e : arrays.entrySet()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            Nd4j.write(e.getValue(), out);
            out.flush();
            byte[] content = bytes.toByteArray();
            zip.putNextEntry(new ZipEntry(prefix + e.getKey()));
            zip.write(content);
            zip.closeEntry();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", prefix + e.getKey());
            entry.put("bytes", content.length);
            entry.put("sha256", sha256(content));
            entries.add(entry);
        }
    }

    /** A copy of {@code from} at {@code to}, as atomic as a checkpoint write. */
    public static void copy(Path from, Path to) {
        try {
            AtomicFile.write(to, out -> Files.copy(from, out));
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
        }
    }

    /** Reads only the manifest (the arrays are not verified). */
    public static Manifest readManifest(Path file) {
        try (ZipFile zip = open(file)) {
            return manifest(file, parseManifest(file, zip));
        } catch (IOException e) {
            throw new Damaged(file, "not a readable zip (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Verifies every entry of {@code file} against its manifest, then reads it into {@code store} (in place,
     * every array must exist with the same shape) and fills {@code velocity}; returns the manifest. Nothing is
     * changed when the file is damaged ({@link Damaged}) or does not match the network ({@link UserException}).
     */
    public static Manifest read(Path file, ParameterStore store, Map<String, INDArray> velocity) {
        Map<String, INDArray> arrays = new HashMap<>();
        Manifest manifest;
        try (ZipFile zip = open(file)) {
            Map<String, Object> m = parseManifest(file, zip);
            manifest = manifest(file, m);
            if (FORMAT.equals(m.get("format"))) {
                for (Map<String, Object> entry : listedEntries(file, m)) {
                    String name = (String) entry.get("name");
                    arrays.put(name, verifiedArray(file, zip, name, entry));
                }
                if (zip.size() != arrays.size() + 1) {
                    throw new Damaged(file, "it holds " + (zip.size() - 1) + " array entries, its manifest lists "
                            + arrays.size(), null);
                }
            } else {
                for (var it = zip.entries(); it.hasMoreElements(); ) {
                    ZipEntry e = it.nextElement();
                    if (!e.getName().equals(MANIFEST)) {
                        try (InputStream in = zip.getInputStream(e)) {
                            arrays.put(e.getName(), Nd4j.read(new DataInputStream(in)));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserException u) {
                throw u;
            }
            throw new Damaged(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        checkMatches(file, "trainable/", store.trainable(), arrays);
        checkMatches(file, "state/", store.state(), arrays);
        restore("trainable/", store.trainable(), arrays);
        restore("state/", store.state(), arrays);
        velocity.clear();
        // In the network's order, as training made them: the next checkpoint then lists them in the same order.
        for (String name : store.trainable().keySet()) {
            INDArray v = arrays.get("velocity/" + name);
            if (v != null) {
                velocity.put(name, v.castTo(store.dataType()));
            }
        }
        return manifest;
    }

    private static ZipFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no checkpoint at " + file + " (train first, or check the run directory)");
        }
        return new ZipFile(file.toFile());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseManifest(Path file, ZipFile zip) throws IOException {
        ZipEntry entry = zip.getEntry(MANIFEST);
        if (entry == null) {
            throw new Damaged(file, "it has no " + MANIFEST, null);
        }
        Map<String, Object> m;
        try (InputStream in = zip.getInputStream(entry)) {
            m = JSON.readValue(in, Map.class);
        }
        if (!FORMAT.equals(m.get("format")) && !FORMAT_1.equals(m.get("format"))) {
            throw new UserException("checkpoint " + file + " is not a " + FORMAT + " file (format: " + m.get("format") + ")");
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Manifest manifest(Path file, Map<String, Object> m) {
        Object plugins = m.get("plugins");
        return new Manifest(plugins == null ? null : JSON.convertValue(plugins, Provenance.class),
                field(file, m, "stage", String.class), field(file, m, "warmupEpochsDone", Number.class).intValue(),
                field(file, m, "vdpEpochsDone", Number.class).intValue(),
                decode(file, field(file, m, "rngState", String.class)), field(file, m, "dataType", String.class),
                new ArrayList<>(field(file, m, "history", List.class)),
                m.containsKey("lrScale") ? field(file, m, "lrScale", Number.class).doubleValue() : 1.0,
                m.containsKey("faultRetries") ? field(file, m, "faultRetries", Number.class).intValue() : 0,
                m.get("initialisation") instanceof Map<?, ?> init ? (Map<String, Object>) init : null,
                progress(file, m.get("epochInProgress")));
    }

    private static EpochProgress progress(Path file, Object value) {
        if (value == null) {
            return null;
        }
        EpochProgress progress = EpochProgress.fromMap(value);
        if (progress == null) {
            throw new Damaged(file, "its manifest has no valid 'epochInProgress'", null);
        }
        return progress;
    }

    private static <T> T field(Path file, Map<String, Object> m, String key, Class<T> type) {
        Object value = m.get(key);
        if (!type.isInstance(value)) {
            throw new Damaged(file, "its manifest has no valid '" + key + "'", null);
        }
        return type.cast(value);
    }

    private static byte[] decode(Path file, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new Damaged(file, "its manifest has no valid 'rngState'", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listedEntries(Path file, Map<String, Object> m) {
        List<Map<String, Object>> entries = field(file, m, "entries", List.class);
        for (Object e : entries) {
            if (!(e instanceof Map<?, ?> entry) || !(entry.get("name") instanceof String)
                    || !(entry.get("bytes") instanceof Number) || !(entry.get("sha256") instanceof String)) {
                throw new Damaged(file, "its manifest lists an entry without name, bytes and sha256: " + e, null);
            }
        }
        return entries;
    }

    private static INDArray verifiedArray(Path file, ZipFile zip, String name, Map<String, Object> listed) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new Damaged(file, "entry '" + name + "' listed in its manifest is missing", null);
        }
        byte[] content;
        try (InputStream in = zip.getInputStream(entry)) {
            content = in.readAllBytes();
        }
        if (content.length != ((Number) listed.get("bytes")).longValue() || !sha256(content).equals(listed.get("sha256"))) {
            throw new Damaged(file, "entry '" + name + "' does not match its checksum", null);
        }
        return Nd4j.read(new DataInputStream(new ByteArrayInputStream(content)));
    }

    private static void checkMatches(Path file, String prefix, Map<String, INDArray> target, Map<String, INDArray> arrays) {
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
        }
    }

    private static void restore(String prefix, Map<String, INDArray> target, Map<String, INDArray> arrays) {
        for (var e : target.entrySet()) {
            e.getValue().assign(arrays.get(prefix + e.getKey()).castTo(e.getValue().dataType()));
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
