package org.stfusion.core.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * oneDNN's convolutions against ND4J's conv3dnew and conv3dnew_bp (grouped ones against one ND4J convolution per
 * group), on the geometries the backbones use and on operands that are channel slices or depth-strided views of
 * larger blocks, whose other cells must stay untouched.
 */
class OneDnnConvolutionsTest {
    private static final double UNTOUCHED = -9;
    /** The block each placed view lies in. */
    private final java.util.Map<INDArray, INDArray> blocks = new java.util.IdentityHashMap<>();

    @BeforeAll
    static void needsOneDnn() {
        assertTrue(OneDnn.available(), "oneDNN must load on the build's platform (linux-x86_64)");
    }

    /** How an operand lies in memory. */
    enum Place { CONTIGUOUS, CHANNEL_SLICE, DEPTH_STRIDED }

    /** A convolution: input [n, c, d, h, w], out channels, kernel, stride, padding, groups. */
    record Geometry(String name, long[] in, long out, int[] k, int[] s, int[] p, int groups) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Geometry> geometries() {
        return List.of(
                new Geometry("stem 5x7x7 /2", new long[] {2, 3, 6, 20, 20}, 8, new int[] {5, 7, 7},
                        new int[] {1, 2, 2}, new int[] {2, 3, 3}, 1),
                new Geometry("3x3x3 /2 odd sizes", new long[] {2, 5, 5, 9, 11}, 6, new int[] {3, 3, 3},
                        new int[] {2, 2, 2}, new int[] {1, 1, 1}, 1),
                new Geometry("1x3x3", new long[] {2, 16, 4, 8, 8}, 8, new int[] {1, 3, 3},
                        new int[] {1, 1, 1}, new int[] {0, 1, 1}, 1),
                new Geometry("3x1x1", new long[] {2, 12, 5, 6, 6}, 16, new int[] {3, 1, 1},
                        new int[] {1, 1, 1}, new int[] {1, 0, 0}, 1),
                new Geometry("1x1x1", new long[] {3, 20, 4, 5, 5}, 10, new int[] {1, 1, 1},
                        new int[] {1, 1, 1}, new int[] {0, 0, 0}, 1),
                new Geometry("3x3x3 groups 4", new long[] {2, 8, 4, 6, 6}, 12, new int[] {3, 3, 3},
                        new int[] {1, 1, 1}, new int[] {1, 1, 1}, 4),
                new Geometry("depthwise 3x3x3 /2", new long[] {2, 6, 4, 7, 7}, 6, new int[] {3, 3, 3},
                        new int[] {1, 2, 2}, new int[] {1, 1, 1}, 6));
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Geometry g : geometries()) {
            for (Place place : Place.values()) {
                cases.add(Arguments.of(g, place));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void forwardAndBothGradientsMatchNd4j(Geometry g, Place place) {
        long[] outShape = outShape(g);
        Nd4j.getRandom().setSeed(11 + place.ordinal());
        INDArray x = Nd4j.randn(DataType.FLOAT, g.in());
        INDArray w = Nd4j.randn(DataType.FLOAT, g.k()[0], g.k()[1], g.k()[2], g.in()[1] / g.groups(), g.out());
        INDArray dy = Nd4j.randn(DataType.FLOAT, outShape);
        INDArray expectedY = Nd4j.create(DataType.FLOAT, outShape);
        INDArray expectedDx = Nd4j.create(DataType.FLOAT, g.in());
        INDArray expectedDw = Nd4j.create(DataType.FLOAT, w.shape());
        reference(g, x, w, dy, expectedY, expectedDx, expectedDw);

        OneDnnConvolutions conv = new OneDnnConvolutions();
        INDArray xIn = place(x, place);
        INDArray dyIn = place(dy, place);
        INDArray y = place(Nd4j.valueArrayOf(outShape, 2.5f), place);
        INDArray dx = place(Nd4j.valueArrayOf(g.in(), 2.5f), place);
        INDArray added = place(Nd4j.valueArrayOf(g.in(), 2.5f), place);
        INDArray dw = Nd4j.valueArrayOf(w.shape(), 2.5f);
        assertTrue(OneDnnConvolutions.supports(xIn, w, y));
        for (int repeat = 0; repeat < 2; repeat++) { // the second call reuses the primitives made by the first
            assertTrue(conv.forward(xIn, w, g.s(), g.p(), g.groups(), y, false));
            assertTrue(conv.backwardData(dyIn, w, g.s(), g.p(), g.groups(), dx, false));
            assertTrue(conv.backwardWeights(xIn, dyIn, g.s(), g.p(), g.groups(), dw));
            assertClose(expectedY, y, "y");
            assertClose(expectedDx, dx, "dx");
            assertClose(expectedDw, dw, "dw");
        }
        INDArray yAdded = place(Nd4j.valueArrayOf(outShape, 2.5f), place);
        assertTrue(conv.forward(xIn, w, g.s(), g.p(), g.groups(), yAdded, true));
        assertClose(expectedY.add(2.5f), yAdded, "y added to what was there");
        assertOutsideUntouched(yAdded, place);
        assertTrue(conv.backwardData(dyIn, w, g.s(), g.p(), g.groups(), added, true));
        assertClose(expectedDx.add(2.5f), added, "dx added to what was there");
        // both at once, the second reading the output gradient the first reordered
        INDArray bothDx = place(Nd4j.valueArrayOf(g.in(), 2.5f), place);
        INDArray bothDw = Nd4j.valueArrayOf(w.shape(), 2.5f);
        for (boolean add : new boolean[] {false, true}) {
            assertTrue(conv.backward(xIn, w, dyIn, g.s(), g.p(), g.groups(), bothDx, add, bothDw));
            assertClose(add ? expectedDx.mul(2) : expectedDx, bothDx, "dx of backward, add " + add);
            assertClose(expectedDw, bothDw, "dw of backward");
        }
        assertOutsideUntouched(bothDx, place);
        for (INDArray a : new INDArray[] {y, dx, added}) {
            assertOutsideUntouched(a, place);
        }
    }

    @Test
    void aDoubleArrayIsNotTaken() {
        INDArray x = Nd4j.create(DataType.DOUBLE, 1, 2, 3, 4, 4);
        INDArray w = Nd4j.create(DataType.DOUBLE, 1, 1, 1, 2, 2);
        assertFalse(OneDnnConvolutions.supports(x, w, x));
        assertFalse(OneDnnConvolutions.supports(x.castTo(DataType.FLOAT), w, x.castTo(DataType.FLOAT)));
    }

    @Test
    void theInputTheClipReadsIsNotCopiedForAWeightGradient() {
        // the stem's case: a 3-channel input, weight gradient only; the clip itself must be left as it was
        Geometry g = geometries().get(0);
        INDArray x = Nd4j.randn(DataType.FLOAT, g.in());
        INDArray before = x.dup();
        INDArray dy = Nd4j.randn(DataType.FLOAT, outShape(g));
        INDArray dw = Nd4j.create(DataType.FLOAT, g.k()[0], g.k()[1], g.k()[2], g.in()[1], g.out());
        assertTrue(new OneDnnConvolutions().backwardWeights(x, dy, g.s(), g.p(), 1, dw));
        assertEquals(before, x);
        assertTrue(dw.norm2Number().doubleValue() > 0);
    }

    private static long[] outShape(Geometry g) {
        long[] out = {g.in()[0], g.out(), 0, 0, 0};
        for (int i = 0; i < 3; i++) {
            out[i + 2] = (g.in()[i + 2] + 2L * g.p()[i] - g.k()[i]) / g.s()[i] + 1;
        }
        return out;
    }

    /** ND4J's results; a grouped convolution as one per group on copies of that group's slices. */
    private static void reference(Geometry g, INDArray x, INDArray w, INDArray dy, INDArray y, INDArray dx,
                                  INDArray dw) {
        NativeOps ops = new NativeOps();
        long inPer = g.in()[1] / g.groups();
        long outPer = g.out() / g.groups();
        for (int i = 0; i < g.groups(); i++) {
            INDArray xg = x.get(channels(i * inPer, inPer)).dup();
            INDArray wg = w.get(outputs(i * outPer, outPer)).dup();
            INDArray dyg = dy.get(channels(i * outPer, outPer)).dup();
            INDArray yg = Nd4j.create(DataType.FLOAT, dyg.shape());
            INDArray dxg = Nd4j.create(DataType.FLOAT, xg.shape());
            INDArray dwg = Nd4j.create(DataType.FLOAT, wg.shape());
            ops.conv3d(xg, wg, g.s(), g.p(), yg);
            ops.conv3dBackward(xg, wg, dyg, g.s(), g.p(), dxg, dwg);
            y.get(channels(i * outPer, outPer)).assign(yg);
            dx.get(channels(i * inPer, inPer)).assign(dxg);
            dw.get(outputs(i * outPer, outPer)).assign(dwg);
        }
    }

    private static INDArrayIndex[] channels(long from, long count) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(from, from + count), NDArrayIndex.all(),
            NDArrayIndex.all(), NDArrayIndex.all()};
    }

    private static INDArrayIndex[] outputs(long from, long count) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.interval(from, from + count)};
    }

    /** A copy of {@code a} placed as given in a larger block whose other cells hold {@link #UNTOUCHED}. */
    private INDArray place(INDArray a, Place place) {
        if (place == Place.CONTIGUOUS) {
            return a.dup();
        }
        long[] shape = a.shape().clone();
        INDArray view;
        INDArray block;
        if (place == Place.CHANNEL_SLICE) {
            shape[1] += 5;
            block = Nd4j.valueArrayOf(shape, (float) UNTOUCHED);
            view = block.get(channels(2, a.size(1)));
        } else {
            shape[2] *= 2;
            block = Nd4j.valueArrayOf(shape, (float) UNTOUCHED);
            view = block.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, shape[2]),
                    NDArrayIndex.all(), NDArrayIndex.all());
        }
        view.assign(a);
        blocks.put(view, block);
        return view;
    }

    /** The block around a placed view still holds {@link #UNTOUCHED} everywhere outside the view. */
    private void assertOutsideUntouched(INDArray view, Place place) {
        if (place == Place.CONTIGUOUS) {
            return;
        }
        INDArray block = blocks.get(view);
        long inside = view.length();
        long untouched = block.eq(UNTOUCHED).castTo(DataType.INT64).sumNumber().longValue();
        assertEquals(block.length() - inside, untouched, "cells outside the view were written");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double error = actual.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
        assertTrue(error < 1e-5, what + ": relative error " + error);
    }
}
