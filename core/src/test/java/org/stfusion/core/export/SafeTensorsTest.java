package org.stfusion.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.core.run.UserException;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    /** The layout of the spec, byte by byte: length, padded JSON header, tensors widest dtype first then by name. */
    @Test
    void writesTheBytesTheSpecDescribes() throws Exception {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", SafeTensors.Tensor.ofFloats(new long[] {2}, new float[] {1.0f, -2.5f}));
        tensors.put("a", SafeTensors.Tensor.ofLongs(new long[0], new long[] {7}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, Map.of("k", "v"), tensors);

        String json = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        assertEquals(132, json.length());
        String header = json + "    "; // padded with spaces to 136, a multiple of 8
        String expected = "8800000000000000" + HexFormat.of().formatHex(header.getBytes(StandardCharsets.US_ASCII))
                + "0700000000000000" // I64 7, little-endian
                + "0000803f" + "000020c0"; // F32 1.0 and -2.5, little-endian
        assertEquals(expected, HexFormat.of().formatHex(out.toByteArray()));
    }

    /** A file written by hand in another style (spaces, metadata last, entries out of offset order) reads back. */
    @Test
    void readsAHandMadeFile() throws Exception {
        String json = "{ \"w\": {\"dtype\": \"F64\", \"shape\": [1, 2], \"data_offsets\": [8, 24]},\n"
                + "  \"s\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]},\n"
                + "  \"e\": {\"dtype\": \"F32\", \"shape\": [0, 3], \"data_offsets\": [4, 4]},\n"
                + "  \"pad\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]},\n"
                + "  \"__metadata__\": {\"format\": \"pt\"} }";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        String hex = String.format("%02x%02x000000000000", header.length & 0xff, header.length >> 8)
                + HexFormat.of().formatHex(header)
                + "0000c03f" // s = 1.5f
                + "000080bf" // pad = -1f
                + "000000000000f03f" + "0000000000000840"; // w = [1.0, 3.0]
        Path file = tmp.resolve("hand.safetensors");
        Files.write(file, HexFormat.of().parseHex(hex));

        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(List.of("s", "e", "pad", "w"), List.copyOf(c.tensors().keySet()), "file order");
        assertArrayEquals(new double[] {1.5}, c.tensors().get("s").toDoubles());
        assertArrayEquals(new long[0], c.tensors().get("s").shape());
        assertArrayEquals(new long[] {0, 3}, c.tensors().get("e").shape());
        assertArrayEquals(new double[] {-1}, c.tensors().get("pad").toDoubles());
        assertArrayEquals(new double[] {1.0, 3.0}, c.tensors().get("w").toDoubles());
        assertEquals(SafeTensors.DType.F64, c.tensors().get("w").dtype());
    }

    @Test
    void roundTripKeepsEveryTensorAndTheMetadata() {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("stages.0.s_path.conv.weight", SafeTensors.Tensor.ofFloats(new long[] {2, 3, 1, 1, 1},
                new float[] {1, 2, 3, 4, 5, Float.MIN_VALUE}));
        tensors.put("fc_gate.theta", SafeTensors.Tensor.ofFloats(new long[0], new float[] {-2.1972246f}));
        tensors.put("stem_bn.num_batches_tracked", SafeTensors.Tensor.ofLongs(new long[0], new long[] {0}));
        tensors.put("double", SafeTensors.Tensor.ofDoubles(new long[] {3}, new double[] {Math.PI, -0.0, 1e-300}));
        tensors.put("empty", SafeTensors.Tensor.ofFloats(new long[] {0}, new float[0]));
        Path file = tmp.resolve("x.safetensors");
        SafeTensors.write(file, Map.of("stfusion", "stfusion-model/1"), tensors);

        SafeTensors.Contents back = SafeTensors.read(file);
        assertEquals(tensors, back.tensors());
        assertEquals(Map.of("stfusion", "stfusion-model/1"), back.metadata());
        assertEquals(List.of("stem_bn.num_batches_tracked", "double", "empty", "fc_gate.theta",
                "stages.0.s_path.conv.weight"), List.copyOf(back.tensors().keySet()),
                "by dtype in the reference's descending order (I64, F64, F32), then by name");
    }

    /** Half-precision files (ImageNet weights are sometimes shipped so) read as their float values, specials included. */
    @Test
    void readsF16AndBF16AsTheirFloatValues() {
        // F16: 1.0, -2.0, 0.5, 65504 (largest normal), 2^-24 (smallest subnormal), -0.0, infinity; BF16: 1.0, -2.5, 3.140625
        short[] f16 = {0x3c00, (short) 0xc000, 0x3800, 0x7bff, 0x0001, (short) 0x8000, 0x7c00};
        short[] bf16 = {0x3f80, (short) 0xc020, 0x4049};
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("h", new SafeTensors.Tensor(SafeTensors.DType.F16, new long[] {7}, shorts(f16)));
        tensors.put("b", new SafeTensors.Tensor(SafeTensors.DType.BF16, new long[] {3}, shorts(bf16)));
        Path file = tmp.resolve("half.safetensors");
        SafeTensors.write(file, Map.of(), tensors);
        var read = SafeTensors.read(file).tensors();
        assertArrayEquals(new double[] {1.0, -2.0, 0.5, 65504, Math.pow(2, -24), -0.0, Double.POSITIVE_INFINITY},
                read.get("h").toDoubles());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(read.get("h").toDoubles()[5]));
        assertArrayEquals(new double[] {1.0, -2.5, 3.140625}, read.get("b").toDoubles());
        assertTrue(Double.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
        assertEquals(-Math.pow(2, -14), SafeTensors.halfToFloat((short) 0x8400)); // smallest normal, negative
    }

    private static byte[] shorts(short[] values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        return b.array();
    }

    @Test
    void refusesFilesThatBreakTheSpecNamingTheFile() throws Exception {
        String good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRefused(file(good, 8), null);
        assertRefused(file(good, 4), "cover 8 bytes of a 4-byte");
        assertRefused(file(good, 12), "cover 8 bytes of a 12-byte");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "without gaps or overlaps");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "without gaps or overlaps");
        assertRefused(file("{\"a\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "dtype I32");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "not valid JSON");
        assertRefused(file("[1, 2]", 0), "not a JSON object");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "no valid shape");
        assertRefused(file("{\"__metadata__\":{\"n\":1}}", 0), "is not a string");

        Path huge = tmp.resolve("huge.safetensors");
        Files.write(huge, HexFormat.of().parseHex("ffffffffffffff7f7b7d"));
        assertRefused(huge, "does not fit the file");
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertRefused(tiny, "shorter than the 8-byte header length");
        UserException missing = assertThrows(UserException.class, () -> SafeTensors.read(tmp.resolve("none.safetensors")));
        assertTrue(missing.getMessage().endsWith("none.safetensors does not exist"), missing.getMessage());
    }

    private Path file(String json, int dataBytes) throws Exception {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[8 + header.length + dataBytes];
        all[0] = (byte) header.length;
        System.arraycopy(header, 0, all, 8, header.length);
        Path f = Files.createTempFile(tmp, "t", ".safetensors");
        Files.write(f, all);
        return f;
    }

    private static void assertRefused(Path file, String reason) {
        if (reason == null) {
            SafeTensors.read(file);
            return;
        }
        UserException e = assertThrows(UserException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
