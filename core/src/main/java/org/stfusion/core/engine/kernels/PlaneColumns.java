package org.stfusion.core.engine.kernels;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The 2D columns ("im2col") of every depth plane of one sample of a 3D convolution's input, plane after plane: for
 * each input plane d a matrix with one row per (kh, kw, input channel) tap and one column per output (row, column).
 * The planes an output plane reads are consecutive, so its 3D columns are one contiguous block of rows: the depth
 * taps share one set of 2D columns instead of kD copies of it.
 *
 * <p>Rows follow the element order of a weight [kD, kH, kW, iC, oC] without its oC: in plane d, row
 * r = (kh * kW + kw) * iC + i, and planes d .. d + kD - 1 stack to the rows of kd = 0 .. kD - 1, so
 * {@code columns x dy^T} lands in the weight gradient as it is stored.
 *
 * <p>Why: ND4J M2.1's conv3dnew_bp always computes the input gradient too; for the 3-channel stem (5x7x7, stride
 * 1x2x2), which reads the network's input, that was about 3x the weight gradient's own time.
 */
public final class PlaneColumns {

    private static final ThreadLocal<Rows> ROWS = ThreadLocal.withInitial(Rows::new);

    private PlaneColumns() {
    }

    /**
     * Fills {@code columns} [1, D*kH*kW*iC, oH*oW] (plane d's rows first) from sample {@code n} of {@code x}
     * [N, iC, D, H, W], with the convolution's (h, w) kernel, stride and padding; cells in the padding are zero.
     */
    public static void fill(INDArray x, int n, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                            int outH, int outW, INDArray columns) {
        if (x.rank() != 5) {
            throw new IllegalArgumentException("x must be [N, C, D, H, W], got " + Arrays.toString(x.shape()));
        }
        ChannelRuns in = ChannelRuns.of(x);
        ChannelRuns out = ChannelRuns.of(columns);
        int channels = in.channels;
        int depth = (int) x.size(2);
        int height = (int) x.size(3);
        int width = (int) x.size(4);
        int rows = kernelH * kernelW * channels;
        int plane = outH * outW;
        if (in.isFloat() != out.isFloat() || columns.size(0) != 1 || out.channels != depth * rows
                || out.run != plane) {
            throw new IllegalArgumentException("columns must be [1, " + depth * rows + ", " + plane + "] of x's type, got "
                    + columns.dataType() + " " + Arrays.toString(columns.shape()));
        }
        Parallel.forRange(rows, Parallel.grainFor((long) depth * plane), (r0, r1) -> {
            Rows s = ROWS.get().ensure(in.run, plane);
            int loaded = -1;
            // Rows go channel by channel, so that a piece reads each input channel once.
            for (int q = r0; q < r1; q++) {
                int i = q / (kernelH * kernelW);
                int kw = q % kernelW;
                int kh = q % (kernelH * kernelW) / kernelW;
                int r = (kh * kernelW + kw) * channels + i;
                if (loaded != i) {
                    in.read(n, i, s.volume, s.floats);
                    loaded = i;
                }
                // Output columns whose tap lands inside the input width: c0 <= c < c1.
                int shift = kw - padW;
                int c0 = Math.min(outW, Math.max(0, Math.floorDiv(-shift + strideW - 1, strideW)));
                int c1 = Math.max(c0, Math.min(outW, Math.floorDiv(width - 1 - shift, strideW) + 1));
                double[] row = s.row;
                double[] volume = s.volume;
                for (int d = 0; d < depth; d++) {
                    for (int b = 0, p = 0; b < outH; b++, p += outW) {
                        int h = b * strideH - padH + kh;
                        if (h < 0 || h >= height) {
                            Arrays.fill(row, p, p + outW, 0);
                            continue;
                        }
                        Arrays.fill(row, p, p + c0, 0);
                        Arrays.fill(row, p + c1, p + outW, 0);
                        int at = (d * height + h) * width + shift;
                        for (int c = c0; c < c1; c++) {
                            row[p + c] = volume[at + c * strideW];
                        }
                    }
                    out.write(0, d * rows + r, row, s.floats);
                }
            }
        });
    }

    /**
     * {@code dst} [1, D*C, oH*oW] = sample {@code n} of {@code dy} [N, C, D, oH, oW] with its planes first, so that
     * each output plane's gradient is one contiguous [C, oH*oW] block (a strided one made the products 2x slower).
     */
    public static void planesFirst(INDArray dy, int n, INDArray dst) {
        if (dy.rank() != 5) {
            throw new IllegalArgumentException("dy must be [N, C, D, H, W], got " + Arrays.toString(dy.shape()));
        }
        ChannelRuns in = ChannelRuns.of(dy);
        ChannelRuns out = ChannelRuns.of(dst);
        int depth = (int) dy.size(2);
        int plane = in.run / Math.max(1, depth);
        if (in.isFloat() != out.isFloat() || dst.size(0) != 1 || out.channels != depth * in.channels
                || out.run != plane) {
            throw new IllegalArgumentException("dst must be [1, " + depth * in.channels + ", " + plane
                    + "] of dy's type, got " + dst.dataType() + " " + Arrays.toString(dst.shape()));
        }
        Parallel.forRange(in.channels, Parallel.grainFor(in.run), (c0, c1) -> {
            Rows s = ROWS.get().ensure(0, plane);
            for (int c = c0; c < c1; c++) {
                for (int d = 0; d < depth; d++) {
                    in.read(n, c, d * plane, plane, s.row, s.floats);
                    out.write(0, d * in.channels + c, s.row, s.floats);
                }
            }
        });
    }

    /** One thread's input volume and row of columns, reused between calls. */
    private static final class Rows {
        double[] volume = new double[0];
        double[] row = new double[0];
        float[] floats = new float[0];

        Rows ensure(int volumeLength, int rowLength) {
            if (volume.length < volumeLength) {
                volume = new double[volumeLength];
            }
            if (row.length < rowLength) {
                row = new double[rowLength];
            }
            if (floats.length < Math.max(volumeLength, rowLength)) {
                floats = new float[Math.max(volumeLength, rowLength)];
            }
            return this;
        }
    }
}
