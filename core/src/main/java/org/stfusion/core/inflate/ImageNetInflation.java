package org.stfusion.core.inflate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.api.config.ConfigException;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.export.SafeTensors;
import org.stfusion.core.run.UserException;

/**
 * A 2D network's ImageNet weights inflated into a network's arrays (paper §3.4, I3D): read from a safetensors file
 * whose tensors carry the 2D network's PyTorch state_dict names, checked against an {@link InflationPlan}, and
 * turned into our arrays in our layouts. A 2D kernel {@code [out, in, kH, kW]} becomes {@code [kT, kH, kW, in, out]},
 * repeated over the kT temporal taps and divided by kT (a 3x3 becomes 1x3x3 as it is); batch-norm vectors are copied.
 * {@link #applyTo} writes them over a network's initialisation, a template's or, by name, a standalone network's.
 */
public final class ImageNetInflation {
    private final Path file;
    private final String sha256;
    private final String source;
    private final boolean partial;
    private final Map<String, INDArray> values;
    private final List<String> missingKeys;
    private final List<String> missingArrays;

    private ImageNetInflation(Path file, String sha256, String source, boolean partial, Map<String, INDArray> values,
                              List<String> missingKeys, List<String> missingArrays) {
        this.file = file;
        this.sha256 = sha256;
        this.source = source;
        this.partial = partial;
        this.values = Collections.unmodifiableMap(values);
        this.missingKeys = List.copyOf(missingKeys);
        this.missingArrays = List.copyOf(missingArrays);
    }

    /**
     * Reads {@code file} (safetensors; F32, F64, F16 or BF16 tensors) and checks it against {@code plan}: every
     * problem is a {@link ConfigException} on {@code backbone.inflate} naming the file (and the key). With
     * {@code partial}, tensors the file lacks leave their arrays at the network's initialisation.
     */
    public static ImageNetInflation read(Path file, boolean partial, InflationPlan plan, DataType dataType) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(InflateKeys.FILE, "no such file: " + file + " (the 2D ImageNet weights as "
                    + "safetensors, e.g. " + plan.source() + ")");
        }
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (UserException e) {
            throw new ConfigException(InflateKeys.FILE, e.getMessage());
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> shapes.put(name, t.shape()));
        InflationPlan.Checked checked = plan.check(file.toString(), shapes, partial);
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (InflationPlan.Target t : checked.present()) {
            SafeTensors.Tensor tensor = contents.tensors().get(t.key());
            if (!tensor.floating()) {
                throw new ConfigException(InflateKeys.FILE, file + ": tensor '" + t.key() + "' holds integers ("
                        + tensor.dtype() + "); weights are F32, F64, F16 or BF16");
            }
            values.put(t.array(), ours(t, tensor.toDoubles()).castTo(dataType));
        }
        LinkedHashSet<String> missingKeys = new LinkedHashSet<>();
        List<String> missingArrays = new ArrayList<>();
        for (InflationPlan.Target t : checked.missing()) {
            missingKeys.add(t.key());
            missingArrays.add(t.array());
        }
        return new ImageNetInflation(file, sha256(file), plan.source(), partial, values, new ArrayList<>(missingKeys),
                missingArrays);
    }

    /** A 2D tensor's values (PyTorch's row-major layout) as our array: a kernel inflated over time, or a BN vector. */
    static INDArray ours(InflationPlan.Target t, double[] values) {
        long[] shape = t.shape();
        if (t.kind() == InflationPlan.Kind.VECTOR) {
            return Nd4j.create(values, shape, 'c');
        }
        long kt = t.temporalKernel();
        // [out, in, kH, kW] -> [kH, kW, in, out], divided by kT, on each of the kT temporal taps
        INDArray kernel = Nd4j.create(values, t.shape2d(), 'c').permute(2, 3, 1, 0).div(kt);
        INDArray out = Nd4j.create(DataType.DOUBLE, shape);
        for (long tap = 0; tap < kt; tap++) {
            out.get(NDArrayIndex.point(tap), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(kernel);
        }
        return out;
    }

    /**
     * Writes the inflated values over the arrays of {@code store} that have them (by name: a standalone network has
     * the template's names for the paths it keeps); returns how many arrays were written.
     */
    public int applyTo(ParameterStore store) {
        int written = 0;
        for (var e : values.entrySet()) {
            INDArray target = store.trainable().get(e.getKey());
            if (target == null) {
                target = store.state().get(e.getKey());
            }
            if (target != null) {
                target.assign(e.getValue().castTo(target.dataType()));
                written++;
            }
        }
        return written;
    }

    /** The inflated arrays by our names, in our layouts. */
    public Map<String, INDArray> values() {
        return values;
    }

    public Path file() {
        return file;
    }

    public String sha256() {
        return sha256;
    }

    /** The 2D keys the file lacked (only with {@code backbone.inflatePartial}). */
    public List<String> missingKeys() {
        return missingKeys;
    }

    /**
     * The trained arrays of {@code store} that keep their initialisation: the classifier, what the backbone's mapping
     * leaves out, and (partial loads) what the file lacked; the drop-rate logits θ are not weights and not listed.
     */
    public List<String> leftAtInitialisation(ParameterStore store) {
        List<String> out = new ArrayList<>();
        for (String name : store.trainable().keySet()) {
            if (!values.containsKey(name) && !name.endsWith(".theta")) {
                out.add(name);
            }
        }
        return out;
    }

    /** What a run records of its initial weights when they were inflated: file, SHA-256, what was left. */
    public Map<String, Object> record(ParameterStore store) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "inflated");
        m.put("file", file.toString());
        m.put("sha256", sha256);
        m.put("source", source);
        m.put("inflatedArrays", values.size());
        m.put("leftAtInitialisation", leftAtInitialisation(store));
        if (partial) {
            m.put("missingKeys", missingKeys);
        }
        return m;
    }

    /** What a run records when its weights start at random. */
    public static Map<String, Object> scratchRecord() {
        return Map.of("mode", "scratch");
    }

    /** One line for the log and the console: where the weights started. */
    public static String describe(Map<String, Object> record) {
        if (record == null) {
            return "not recorded (a checkpoint of an older version)";
        }
        if (!"inflated".equals(record.get("mode"))) {
            return "from scratch (random initialisation)";
        }
        Object left = record.get("leftAtInitialisation");
        return "inflated from " + record.get("file") + " (sha256 " + record.get("sha256") + "), "
                + record.get("inflatedArrays") + " arrays; left at initialisation: " + left;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ConfigException(InflateKeys.FILE, "cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
