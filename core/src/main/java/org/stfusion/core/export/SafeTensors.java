package org.stfusion.core.export;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.UserException;

/**
 * The safetensors format (github.com/huggingface/safetensors): an unsigned 64-bit little-endian header length N,
 * N bytes of UTF-8 JSON {@code {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin,
 * end]}, ...}} padded with spaces to a multiple of 8, then the tensors' little-endian, row-major bytes back to back.
 * Written as the reference implementation writes: tensors ordered by dtype (widest first) then name, so that every
 * tensor starts aligned. Read with the reference's checks: offsets contiguous from 0, covering the buffer exactly,
 * each tensor's length equal to its shape times its dtype's width.
 */
public final class SafeTensors {
    /** The reference implementation's limit; a larger header is a damaged or hostile file. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafeTensors() {
    }

    /**
     * The element types stfusion reads, in the reference's order (its files list I64, F64, F32, BF16, then F16);
     * it writes F32, F64 and I64. Half-precision tensors (F16, BF16: ImageNet weights are sometimes shipped so) are
     * read as their float values.
     */
    public enum DType {
        F16(2), BF16(2), F32(4), F64(8), I64(8);

        private final int width;

        DType(int width) {
            this.width = width;
        }

        public int width() {
            return width;
        }
    }

    /** One tensor: its element type, shape (empty for a scalar) and row-major little-endian bytes. */
    public record Tensor(DType dtype, long[] shape, byte[] data) {
        public Tensor {
            shape = shape.clone();
            long n = elements(shape);
            if (n * dtype.width() != data.length) {
                throw new IllegalArgumentException(Arrays.toString(shape) + " " + dtype + " needs " + n * dtype.width()
                        + " bytes, got " + data.length);
            }
        }

        public static Tensor ofFloats(long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor(DType.F32, shape, b.array());
        }

        public static Tensor ofDoubles(long[] shape, double[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(values);
            return new Tensor(DType.F64, shape, b.array());
        }

        public static Tensor ofLongs(long[] shape, long[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(values);
            return new Tensor(DType.I64, shape, b.array());
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elements() {
            return elements(shape);
        }

        /** The values as doubles, whatever the element type. */
        public double[] toDoubles() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[Math.toIntExact(elements())];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (dtype) {
                    case F16 -> halfToFloat(b.getShort(i * 2));
                    case BF16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                    case F32 -> b.getFloat(i * 4);
                    case F64 -> b.getDouble(i * 8);
                    case I64 -> b.getLong(i * 8);
                };
            }
            return out;
        }

        /** Whether the elements are floating point (F16, BF16, F32, F64). */
        public boolean floating() {
            return dtype != DType.I64;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape);
        }

        private static long elements(long[] shape) {
            long n = 1;
            for (long s : shape) {
                if (s < 0) {
                    throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
                }
                n = Math.multiplyExact(n, s);
            }
            return n;
        }
    }

    /** IEEE 754 binary16 (sign, 5 exponent bits, 10 fraction bits) as a float, subnormals and specials included. */
    static float halfToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int fraction = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (fraction << 13)); // infinity or NaN
        }
        if (exponent == 0) {
            float magnitude = fraction * 0x1p-24f; // subnormal (or zero): fraction x 2^-24, exact in a float
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (fraction << 13));
    }

    /** A file's metadata and tensors, the tensors in file order. */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
    }

    public static void write(Path file, Map<String, String> metadata, Map<String, Tensor> tensors) {
        try {
            AtomicFile.write(file, out -> write(out, metadata, tensors));
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
        }
    }

    public static void write(OutputStream out, Map<String, String> metadata, Map<String, Tensor> tensors) throws IOException {
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(tensors.entrySet());
        ordered.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -e.getValue().dtype().ordinal())
                .thenComparing(Map.Entry::getKey));
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (var e : ordered) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            }
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype().name());
            var shape = entry.putArray("shape");
            for (long s : t.shape) {
                shape.add(s);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        out.write(head.array());
        for (var e : ordered) {
            out.write(e.getValue().data());
        }
    }

    /** Reads and checks {@code file}; a file that is not valid safetensors is a {@link UserException} naming it. */
    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, Files.size(file), file.toString());
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Contents read(InputStream in, long size, String name) throws IOException {
        if (size < 8) {
            throw damaged(name, "shorter than the 8-byte header length");
        }
        long headerBytes = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES || headerBytes > size - 8) {
            throw damaged(name, "its header length " + Long.toUnsignedString(headerBytes) + " does not fit the file ("
                    + size + " bytes)");
        }
        byte[] headerJson = in.readNBytes((int) headerBytes);
        if (headerJson[0] != '{') {
            throw damaged(name, "its header is not a JSON object");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerJson, StandardCharsets.UTF_8).stripTrailing());
        } catch (JsonProcessingException e) {
            throw damaged(name, "its header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            var field = it.next();
            JsonNode v = field.getValue();
            if (field.getKey().equals(METADATA)) {
                if (!v.isObject()) {
                    throw damaged(name, METADATA + " is not an object");
                }
                v.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw damaged(name, METADATA + "." + m.getKey() + " is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            if (!v.isObject()) {
                throw damaged(name, "entry '" + field.getKey() + "' is not an object");
            }
            long[] offsets = longs(name, field.getKey(), v.get("data_offsets"), "data_offsets", 2);
            entries.add(new Entry(field.getKey(), dtype(name, field.getKey(), v.get("dtype")),
                    longs(name, field.getKey(), v.get("shape"), "shape", -1), offsets[0], offsets[1]));
        }
        long buffer = size - 8 - headerBytes;
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected || e.end() < e.begin()) {
                throw damaged(name, "tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", " + e.end()
                        + "]; the tensors must follow each other from offset 0 without gaps or overlaps");
            }
            long length;
            try {
                length = Math.multiplyExact(Tensor.elements(e.shape()), (long) e.dtype().width());
            } catch (ArithmeticException overflow) {
                length = -1;
            }
            if (length != e.end() - e.begin()) {
                throw damaged(name, "tensor '" + e.name() + "' " + e.dtype() + Arrays.toString(e.shape()) + " needs "
                        + length + " bytes, its data_offsets span " + (e.end() - e.begin()));
            }
            expected = e.end();
        }
        if (expected != buffer) {
            throw damaged(name, "its tensors cover " + expected + " bytes of a " + buffer + "-byte data buffer");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (Entry e : byOffset) {
            byte[] bytes = in.readNBytes(Math.toIntExact(e.end() - e.begin()));
            if (bytes.length != e.end() - e.begin()) {
                throw damaged(name, "it ends inside tensor '" + e.name() + "'");
            }
            data.put(e.name(), bytes);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : byOffset) {
            tensors.put(e.name(), new Tensor(e.dtype(), e.shape(), data.get(e.name())));
        }
        return new Contents(metadata, tensors);
    }

    private static DType dtype(String file, String tensor, JsonNode v) {
        String text = v == null ? null : v.asText();
        for (DType d : DType.values()) {
            if (d.name().equals(text)) {
                return d;
            }
        }
        throw new UserException(file + ": tensor '" + tensor + "' has dtype " + text
                + "; stfusion reads F16, BF16, F32, F64 and I64 tensors");
    }

    private static long[] longs(String file, String tensor, JsonNode v, String field, int length) {
        if (v == null || !v.isArray() || (length >= 0 && v.size() != length)) {
            throw damaged(file, "tensor '" + tensor + "' has no valid " + field);
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).canConvertToLong() || !v.get(i).isIntegralNumber() || v.get(i).asLong() < 0) {
                throw damaged(file, "tensor '" + tensor + "' has no valid " + field);
            }
            out[i] = v.get(i).asLong();
        }
        return out;
    }

    private static UserException damaged(String file, String what) {
        return new UserException(file + " is not a valid safetensors file: " + what);
    }
}
