package org.stfusion.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.run.UserException;

class NumpyFileTest {
    @TempDir
    Path tmp;

    /** A version 1.0 file as numpy.save writes it: magic, version, header length, padded dict, C-order data. */
    @Test
    void readsAHandMadeFile() throws Exception {
        Path f = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats(1, 2, 3, 4, 5, 6.5f));
        INDArray a = NumpyFile.read(f);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertEquals(6.5f, a.getFloat(1, 2));
        assertEquals(2f, a.getFloat(0, 1));

        ByteBuffer doubles = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(0.25).putDouble(-3);
        INDArray d = NumpyFile.read(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", doubles.array()));
        assertArrayEquals(new float[] {0.25f, -3f}, d.toFloatVector());
    }

    /** What we write, ND4J's own reader reads; what ND4J writes, we read. */
    @Test
    void agreesWithNd4jsNpyFiles() throws Exception {
        INDArray logits = Nd4j.rand(DataType.FLOAT, 3, 5).subi(0.5);
        Path ours = tmp.resolve("ours.npy");
        NumpyFile.writeFloat32(ours, logits);
        assertEquals(logits, Nd4j.createFromNpyFile(ours.toFile()));
        assertEquals(0, (Files.readString(ours, StandardCharsets.ISO_8859_1).indexOf('\n') + 1) % 64,
                "data aligned to 64 bytes as numpy does");

        INDArray clips = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5, 6);
        Path theirs = tmp.resolve("theirs.npy");
        Nd4j.writeAsNumpy(clips, theirs.toFile());
        assertEquals(clips, NumpyFile.read(theirs));
        Path vector = tmp.resolve("vector.npy");
        NumpyFile.writeFloat32(vector, Nd4j.createFromArray(1f, 2f));
        assertTrue(Files.readString(vector, StandardCharsets.ISO_8859_1).contains("'shape': (2,)"));
        assertArrayEquals(new float[] {1f, 2f}, NumpyFile.read(vector).toFloatVector());
    }

    @Test
    void refusesWhatIsNotAFloatArrayNamingTheFile() throws Exception {
        assertRefused(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", new byte[8]),
                "expected float32 clips, got dtype <i8");
        assertRefused(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", new byte[4]), "Fortran order");
        assertRefused(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[8]),
                "ends before its data does");
        assertRefused(npy("{'shape': (4,), }", new byte[16]), "has no descr");
        Path text = tmp.resolve("text.npy");
        Files.writeString(text, "a,b,c\n");
        assertRefused(text, "is not a NumPy .npy file");
        UserException e = assertThrows(UserException.class, () -> NumpyFile.read(tmp.resolve("missing.npy")));
        assertTrue(e.getMessage().endsWith("missing.npy does not exist"), e.getMessage());
    }

    private void assertRefused(Path file, String reason) {
        UserException e = assertThrows(UserException.class, () -> NumpyFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private Path npy(String dict, byte[] data) throws Exception {
        String header = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        Path f = Files.createTempFile(tmp, "a", ".npy");
        Files.write(f, b.array());
        return f;
    }
}
