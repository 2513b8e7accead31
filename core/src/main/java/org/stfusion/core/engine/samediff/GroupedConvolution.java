package org.stfusion.core.engine.samediff;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv3DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.Shape;

/**
 * Grouped and depthwise 3D convolution for SameDiff, which has neither: ND4J M2.1's {@code Conv3DConfig} and
 * {@code Conv2DConfig} have no groups. The weight is stored as PyTorch counts it, {@code [kT, kH, kW, in/groups,
 * out]}, output group g reading input group g; every construction below is exact and differentiable:
 * <ul>
 *   <li>{@link #depthwise}: one input channel per group and no temporal extent (MobileNetV2's 1x3x3): the
 *       frames become 2D images for {@code depthWiseConv2d} (channel multiplier out/in);</li>
 *   <li>{@link #blockDiagonal}: the groups are taken in chunks of consecutive groups; each chunk is one dense
 *       conv3d whose weight is the chunk's group weights tiled into a block-diagonal matrix (zeros elsewhere),
 *       and the chunk outputs are concatenated. One chunk per group is the plain split-and-concat; one chunk
 *       for all groups is a single dense conv that also computes the zero blocks.</li>
 * </ul>
 * Measured training steps (2 vCPUs shared with other jobs, so only large differences count): MobileNetV2 at
 * 2 x 8x112x112 takes 3 s with {@link #depthwise} and 9-16 s as block-diagonal convs; ResNeXt-50 32x4d takes
 * 1-4 s at 2 x 4x64x64 with one conv per group and 12-15 s as one block-diagonal conv, while chunks of 2-4
 * groups were not reliably faster than one per group. Tiny networks, whose cost is SameDiff's fixed cost per
 * op, are as fast or faster with one block-diagonal conv. Hence {@link #chunkSize}.
 */
final class GroupedConvolution {
    /** Forward MACs per clip up to which a grouped conv runs as one block-diagonal conv, zero blocks included. */
    static final long SINGLE_CONV_MACS = 1L << 22;
    /** Most convs one grouped conv becomes (ResNeXt's 32 groups are 32; hundreds of channels are not hundreds). */
    static final int MAX_CHUNKS = 32;

    private GroupedConvolution() {
    }

    /** out = conv(x, w) with {@code groups}; picks the construction as described in the class comment. */
    static SDVariable apply(SameDiff sd, SDVariable x, SDVariable w, Shape in, Shape out, Kernel3 k, Kernel3 s,
                            Kernel3 p, int groups) {
        if (depthwiseApplies(in, k, s, p, groups)) {
            return depthwise(sd, x, w, in, out, k, s, p);
        }
        return blockDiagonal(sd, x, w, in, out, k, s, p, groups, chunkSize(in, out, k, groups));
    }

    static boolean depthwiseApplies(Shape in, Kernel3 k, Kernel3 s, Kernel3 p, int groups) {
        return groups == in.channels() && k.t() == 1 && s.t() == 1 && p.t() == 0;
    }

    /**
     * Groups per block-diagonal chunk: all of them when the dense conv is small ({@link #SINGLE_CONV_MACS}),
     * else one, or as few as keep the chunk count within {@link #MAX_CHUNKS}.
     */
    static int chunkSize(Shape in, Shape out, Kernel3 k, int groups) {
        long denseMacs = out.voxels() * out.channels() * in.channels() * k.volume();
        if (denseMacs <= SINGLE_CONV_MACS) {
            return groups;
        }
        int size = 1;
        while (groups % size != 0 || groups / size > MAX_CHUNKS) {
            size++;
        }
        return size;
    }

    /** Depthwise (one input channel per group) 1xkxk convolution as 2D depthwise convolution of every frame. */
    static SDVariable depthwise(SameDiff sd, SDVariable x, SDVariable w, Shape in, Shape out, Kernel3 k, Kernel3 s,
                                Kernel3 p) {
        int c = in.channels();
        int multiplier = out.channels() / c;
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k.h()).kW(k.w()).sH(s.h()).sW(s.w()).pH(p.h()).pW(p.w())
                .dH(1).dW(1).paddingMode(PaddingMode.VALID).dataFormat("NHWC").build();
        // NCDHW -> (N*T) x H x W x C; NHWC measured faster than NCHW here, mostly in the forward pass.
        SDVariable frames = sd.reshape(sd.permute(x, 0, 2, 3, 4, 1), -1, in.height(), in.width(), c);
        // Output channel c*multiplier + j of group c: the [.., 1, out] weight is already [kH, kW, C, multiplier].
        SDVariable kernel = sd.reshape(w, k.h(), k.w(), c, multiplier);
        SDVariable y = sd.cnn().depthWiseConv2d(frames, kernel, cfg);
        y = sd.reshape(y, -1, out.frames(), out.height(), out.width(), out.channels());
        return sd.permute(y, 0, 4, 1, 2, 3);
    }

    /** Chunks of {@code chunkSize} consecutive groups, each one dense conv with a block-diagonal weight. */
    static SDVariable blockDiagonal(SameDiff sd, SDVariable x, SDVariable w, Shape in, Shape out, Kernel3 k, Kernel3 s,
                                    Kernel3 p, int groups, int chunkSize) {
        if (groups % chunkSize != 0) {
            throw new IllegalArgumentException(chunkSize + " groups per chunk do not divide " + groups + " groups");
        }
        int chunks = groups / chunkSize;
        SDVariable[] xs = chunks == 1 ? new SDVariable[] {x} : sd.split(x, chunks, 1);
        SDVariable[] ws = chunks == 1 ? new SDVariable[] {w} : sd.split(w, chunks, 4);
        SDVariable mask = chunkSize == 1 ? null : sd.constant(blockMask(w.dataType(), in.channels() / groups,
                out.channels() / groups, chunkSize));
        Conv3DConfig cfg = conv3dConfig(k, s, p);
        SDVariable[] ys = new SDVariable[chunks];
        for (int i = 0; i < chunks; i++) {
            SDVariable weight = chunkSize == 1 ? ws[i] : sd.tile(ws[i], 1, 1, 1, chunkSize, 1).mul(mask);
            ys[i] = sd.cnn().conv3d(xs[i], weight, cfg);
        }
        return chunks == 1 ? ys[0] : sd.concat(1, ys);
    }

    static Conv3DConfig conv3dConfig(Kernel3 k, Kernel3 s, Kernel3 p) {
        return Conv3DConfig.builder().kD(k.t()).kH(k.h()).kW(k.w()).sD(s.t()).sH(s.h()).sW(s.w())
                .pD(p.t()).pH(p.h()).pW(p.w()).dD(1).dH(1).dW(1).biasUsed(false)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv3DConfig.NCDHW).build();
    }

    /** [1, 1, 1, size*inPerGroup, size*outPerGroup] (broadcast over the kernel): 1 where input and output share a group. */
    private static INDArray blockMask(DataType dt, int inPerGroup, int outPerGroup, int size) {
        int rows = size * inPerGroup;
        int cols = size * outPerGroup;
        float[] block = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < cols; o++) {
                block[i * cols + o] = i / inPerGroup == o / outPerGroup ? 1f : 0f;
            }
        }
        return Nd4j.create(block, new long[] {1, 1, 1, rows, cols}, 'c').castTo(dt);
    }
}
