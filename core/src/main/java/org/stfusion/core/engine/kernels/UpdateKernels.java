package org.stfusion.core.engine.kernels;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * In-place updates of whole parameter arrays in one Java pass over their buffers. As ND4J ops, an SGD step took
 * three native calls per parameter array, each with its objects to release; for a small network those calls were
 * more than its forward and backward ops together. Arrays must be dense (C order, offset allowed) and of one type,
 * FLOAT or DOUBLE; {@link #dense} says whether an array qualifies.
 */
public final class UpdateKernels {
    private static final int CHUNK = 4096;

    private UpdateKernels() {
    }

    /** Whether {@code a} is laid out as a fresh C-order array, FLOAT or DOUBLE (at any offset). */
    public static boolean dense(INDArray a) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            return false;
        }
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return a.length() < Integer.MAX_VALUE;
    }

    /**
     * SGD with momentum, PyTorch's form: {@code v = momentum v + g + decay w; w -= lr v}, computed in double.
     * With {@code fresh} the old v is not read: {@code v = g + decay w}.
     */
    public static void sgdMomentum(INDArray w, INDArray g, INDArray v, double momentum, double lr, double decay,
                                   boolean fresh) {
        int n = (int) w.length();
        if (g.length() != n || v.length() != n || g.dataType() != w.dataType() || v.dataType() != w.dataType()
                || !dense(w) || !dense(g) || !dense(v)) {
            throw new IllegalArgumentException("w, g and v must be dense arrays of one type and length");
        }
        Parallel.forRange((n + CHUNK - 1) / CHUNK, Parallel.grainFor(CHUNK), (c0, c1) -> {
            int from = c0 * CHUNK;
            int to = (int) Math.min(n, (long) c1 * CHUNK);
            if (w.dataType() == DataType.FLOAT) {
                sgdFloat(w, g, v, from, to, momentum, lr, decay, fresh);
            } else {
                sgdDouble(w, g, v, from, to, momentum, lr, decay, fresh);
            }
        });
    }

    private static void sgdFloat(INDArray w, INDArray g, INDArray v, int from, int to, double momentum, double lr,
                                 double decay, boolean fresh) {
        FloatBuffer wb = w.data().asNioFloat();
        FloatBuffer gb = g.data().asNioFloat();
        FloatBuffer vb = v.data().asNioFloat();
        int wo = (int) w.offset();
        int go = (int) g.offset();
        int vo = (int) v.offset();
        for (int i = from; i < to; i++) {
            double wi = wb.get(wo + i);
            double vi = (fresh ? 0 : momentum * vb.get(vo + i)) + gb.get(go + i) + decay * wi;
            float rounded = (float) vi;
            vb.put(vo + i, rounded);
            wb.put(wo + i, (float) (wi - lr * rounded));
        }
    }

    private static void sgdDouble(INDArray w, INDArray g, INDArray v, int from, int to, double momentum, double lr,
                                  double decay, boolean fresh) {
        DoubleBuffer wb = w.data().asNioDouble();
        DoubleBuffer gb = g.data().asNioDouble();
        DoubleBuffer vb = v.data().asNioDouble();
        int wo = (int) w.offset();
        int go = (int) g.offset();
        int vo = (int) v.offset();
        for (int i = from; i < to; i++) {
            double wi = wb.get(wo + i);
            double vi = (fresh ? 0 : momentum * vb.get(vo + i)) + gb.get(go + i) + decay * wi;
            vb.put(vo + i, vi);
            wb.put(wo + i, wi - lr * vi);
        }
    }

    /**
     * {@code running = (1 - momentum) running + weight batch} over per-channel arrays of equal length (any rank with
     * one dimension longer than 1, any stride or type).
     */
    public static void fold(INDArray running, INDArray batch, double momentum, double weight) {
        int n = (int) running.length();
        if (batch.length() != n) {
            throw new IllegalArgumentException("running has " + n + " values, batch " + batch.length());
        }
        double[] r = new double[n];
        double[] b = new double[n];
        SmallArrays.readLine(running, r);
        SmallArrays.readLine(batch, b);
        for (int i = 0; i < n; i++) {
            r[i] = (1 - momentum) * r[i] + weight * b[i];
        }
        SmallArrays.writeLine(r, running);
    }
}
