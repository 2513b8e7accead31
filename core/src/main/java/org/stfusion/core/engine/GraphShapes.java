package org.stfusion.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.Shape;
import org.stfusion.api.model.Tensor;

/**
 * The shape arithmetic of a recording: what a window op makes of its input, and the checks that refuse, naming the
 * op, an input it cannot take; kept apart so that {@link GraphRecorder} reads as the ops it records.
 */
final class GraphShapes {
    private GraphShapes() {
    }

    /** The output of a convolution, once its groups divide both channel counts and its input fits the kernel. */
    static Shape convolution(String name, Shape in, int outChannels, Kernel3 k, Kernel3 s, Kernel3 p, int groups) {
        if (groups < 1 || in.channels() % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv3d " + name + ": " + groups + " groups do not divide "
                    + in.channels() + " input and " + outChannels + " output channels");
        }
        Shape out = window(in, outChannels, k, s, p);
        if (!fits(out)) {
            throw new IllegalArgumentException("conv3d " + name + ": input " + in + " too small for kernel " + k);
        }
        return out;
    }

    /** The output of a max or average pool, once its input fits the kernel. */
    static Shape pool(Shape in, Kernel3 k, Kernel3 s, Kernel3 p, boolean max) {
        if (p.t() >= k.t() || p.h() >= k.h() || p.w() >= k.w()) {
            // Else a window could hold only padding: no maximum, nothing to average.
            throw new IllegalArgumentException((max ? "max" : "average") + " pool: padding " + p
                    + " must be smaller than the kernel " + k + " in every dimension");
        }
        Shape out = window(in, in.channels(), k, s, p);
        if (!fits(out)) {
            throw new IllegalArgumentException((max ? "max" : "average") + " pool: input " + in + " too small for kernel "
                    + k);
        }
        return out;
    }

    /** {@code x}'s shape, which {@code op} needs to be a C x T x H x W volume. */
    static Shape volume(Tensor x, String op) {
        if (x.shape().flat()) {
            throw new IllegalArgumentException(op + " needs a C x T x H x W volume, got " + x.shape());
        }
        return x.shape();
    }

    /** 0/1 per channel of a position's input: 1 on the channels of the {@code read} sources. */
    static List<Boolean> sourceMask(List<Integer> chunks, List<Integer> read, String position) {
        for (int j : read) {
            if (j < 0 || j >= chunks.size()) {
                throw new IllegalArgumentException("position " + position + " has " + chunks.size() + " sources, no source " + j);
            }
        }
        List<Boolean> mask = new ArrayList<>();
        for (int j = 0; j < chunks.size(); j++) {
            for (int c = 0; c < chunks.get(j); c++) {
                mask.add(read.contains(j));
            }
        }
        return mask;
    }

    private static Shape window(Shape in, int channels, Kernel3 k, Kernel3 s, Kernel3 p) {
        return Shape.volume(channels, outSize(in.frames(), k.t(), s.t(), p.t()),
                outSize(in.height(), k.h(), s.h(), p.h()), outSize(in.width(), k.w(), s.w(), p.w()));
    }

    private static boolean fits(Shape out) {
        return out.frames() >= 1 && out.height() >= 1 && out.width() >= 1;
    }

    /** Output length of a window; below 1 when the padded input is shorter than the kernel (floor, not truncation). */
    private static int outSize(int in, int k, int s, int p) {
        return Math.floorDiv(in + 2 * p - k, s) + 1;
    }
}
