package org.stfusion.core.predict;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.UserException;

/**
 * NumPy's {@code .npy} format (numpy.org/neps/nep-0001-npy-format): float32 or float64 arrays in C order are read,
 * float32 arrays written. Parsed here rather than by ND4J's native reader so that a malformed file is one clear
 * message naming it, never a crash in native code.
 */
public final class NumpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NumpyFile() {
    }

    /** A float array (float32 or float64 in the file) as a FLOAT INDArray of its shape. */
    public static INDArray read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + " does not exist");
        }
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw notNpy(file, "it does not start with NumPy's magic bytes");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            byte[] lengthBytes = new byte[major == 1 ? 2 : 4];
            in.readFully(lengthBytes);
            ByteBuffer lb = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = major == 1 ? lb.getShort() & 0xffff : lb.getInt() & 0xffffffffL;
            if (major < 1 || major > 3 || headerLength > 1 << 20) {
                throw notNpy(file, "unsupported format version " + major);
            }
            byte[] header = new byte[(int) headerLength];
            in.readFully(header);
            String dict = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher descr = DESCR.matcher(dict);
            Matcher fortran = FORTRAN.matcher(dict);
            Matcher shapeText = SHAPE.matcher(dict);
            if (!descr.find() || !fortran.find() || !shapeText.find()) {
                throw notNpy(file, "its header has no descr, fortran_order and shape");
            }
            String kind = descr.group(2);
            int width = Integer.parseInt(descr.group(3));
            if (!kind.equals("f") || (width != 4 && width != 8)) {
                throw new UserException(file + ": expected float32 clips, got dtype " + descr.group(1) + kind + width
                        + " (convert with array.astype(numpy.float32))");
            }
            if (fortran.group(1).equals("True")) {
                throw new UserException(file + ": the array is in Fortran order; save numpy.ascontiguousarray(array)");
            }
            long[] shape = parseShape(file, shapeText.group(1));
            long n = 1;
            for (long s : shape) {
                n = Math.multiplyExact(n, s);
            }
            if (n * width > Integer.MAX_VALUE - 8) {
                throw new UserException(file + ": " + Arrays.toString(shape) + " is too large to read at once; split it");
            }
            byte[] data = new byte[(int) (n * width)];
            in.readFully(data);
            ByteBuffer b = ByteBuffer.wrap(data).order(descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[(int) n];
            for (int i = 0; i < values.length; i++) {
                values[i] = width == 4 ? b.getFloat() : (float) b.getDouble();
            }
            return Nd4j.create(values, shape.length == 0 ? new long[] {1} : shape, 'c');
        } catch (EOFException e) {
            throw notNpy(file, "it ends before its data does");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code array} as a float32 C-order {@code .npy} file (format version 1.0). */
    public static void writeFloat32(Path file, INDArray array) {
        StringBuilder shape = new StringBuilder();
        for (long s : array.shape()) {
            shape.append(s).append(", ");
        }
        String dims = array.rank() == 1 ? shape.toString().strip() : shape.substring(0, Math.max(0, shape.length() - 2));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        // NumPy pads the header with spaces and a newline so that the data starts at a multiple of 64 bytes.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        float[] values = array.castTo(DataType.FLOAT).dup('c').reshape(array.length()).toFloatVector();
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + values.length * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1));
        out.asFloatBuffer().put(values);
        try {
            AtomicFile.write(file, out.array());
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
        }
    }

    private static long[] parseShape(Path file, String text) {
        String[] parts = text.split(",");
        long[] shape = new long[parts.length];
        int n = 0;
        for (String p : parts) {
            if (p.isBlank()) {
                continue;
            }
            try {
                shape[n++] = Long.parseLong(p.strip().replace("L", ""));
            } catch (NumberFormatException e) {
                throw notNpy(file, "its shape (" + text + ") is not a tuple of integers");
            }
        }
        return Arrays.copyOf(shape, n);
    }

    private static UserException notNpy(Path file, String why) {
        return new UserException(file + " is not a NumPy .npy file: " + why);
    }
}
