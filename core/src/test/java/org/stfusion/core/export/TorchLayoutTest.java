package org.stfusion.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.run.UserException;

class TorchLayoutTest {
    /** ND4J's conv3d weight [kT, kH, kW, in, out]: element (t, h, w, i, o) lands at PyTorch's [o, i, t, h, w]. */
    @Test
    void convolutionWeightsMoveAxesOnly() {
        INDArray ours = Nd4j.create(DataType.FLOAT, 3, 2, 2, 5, 4);
        for (int t = 0; t < 3; t++) {
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 2; w++) {
                    for (int i = 0; i < 5; i++) {
                        for (int o = 0; o < 4; o++) {
                            ours.putScalar(new int[] {t, h, w, i, o}, code(t, h, w, i, o));
                        }
                    }
                }
            }
        }
        SafeTensors.Tensor torch = TorchLayout.toTorch("B1.L1.ST.conv.weight", ours);
        assertArrayEquals(new long[] {4, 5, 3, 2, 2}, torch.shape());
        double[] flat = torch.toDoubles();
        // Row-major offset of [o, i, t, h, w] in [4, 5, 3, 2, 2]
        for (int o = 0; o < 4; o++) {
            for (int i = 0; i < 5; i++) {
                for (int t = 0; t < 3; t++) {
                    for (int h = 0; h < 2; h++) {
                        for (int w = 0; w < 2; w++) {
                            int offset = (((o * 5 + i) * 3 + t) * 2 + h) * 2 + w;
                            assertEquals(code(t, h, w, i, o), flat[offset], 0.0);
                        }
                    }
                }
            }
        }
        INDArray back = Nd4j.create(DataType.FLOAT, 3, 2, 2, 5, 4);
        TorchLayout.assign("f", "x", torch, "B1.L1.ST.conv.weight", back);
        assertEquals(ours, back);
    }

    @Test
    void linearBatchNormAndGatesTakePyTorchsShapes() {
        INDArray linear = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}}); // [in 2, out 3]
        SafeTensors.Tensor fc = TorchLayout.toTorch("head.fc.weight", linear);
        assertArrayEquals(new long[] {3, 2}, fc.shape());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, fc.toDoubles());

        INDArray gamma = Nd4j.createFromArray(1f, 2f, 3f).reshape(1, 3, 1, 1, 1);
        assertArrayEquals(new long[] {3}, TorchLayout.toTorch("stem.bn.gamma", gamma).shape());
        assertArrayEquals(new long[] {3}, TorchLayout.toTorch("stem.bn.runningVar", gamma).shape());
        assertArrayEquals(new long[] {3}, TorchLayout.toTorch("head.fc.bias", Nd4j.create(DataType.FLOAT, 1, 3)).shape());
        SafeTensors.Tensor theta = TorchLayout.toTorch("T1.S.theta", Nd4j.createFromArray(-2.5f));
        assertArrayEquals(new long[0], theta.shape());
        assertArrayEquals(new double[] {-2.5}, theta.toDoubles());
        SafeTensors.Tensor precise = TorchLayout.toTorch("T1.S.theta", Nd4j.createFromArray(-2.5));
        assertEquals(SafeTensors.DType.F64, precise.dtype(), "a double network is written in double");

        INDArray target = Nd4j.create(DataType.DOUBLE, 2, 3);
        TorchLayout.assign("f", "fc.weight", fc, "head.fc.weight", target);
        assertEquals(linear.castTo(DataType.DOUBLE), target, "F32 file into a double network");
    }

    @Test
    void aTensorOfAnotherShapeIsRefusedNamingIt() {
        SafeTensors.Tensor wrong = SafeTensors.Tensor.ofFloats(new long[] {4}, new float[4]);
        INDArray gamma = Nd4j.create(DataType.FLOAT, 1, 3, 1, 1, 1);
        UserException e = assertThrows(UserException.class,
                () -> TorchLayout.assign("m.safetensors", "stem_bn.weight", wrong, "stem.bn.gamma", gamma));
        assertEquals("m.safetensors: tensor 'stem_bn.weight' has shape [4], the network needs [3]", e.getMessage());
        SafeTensors.Tensor ints = SafeTensors.Tensor.ofLongs(new long[] {3}, new long[3]);
        e = assertThrows(UserException.class, () -> TorchLayout.assign("m", "stem_bn.weight", ints, "stem.bn.gamma", gamma));
        assertTrue(e.getMessage().contains("integers"), e.getMessage());
    }

    private static double code(int t, int h, int w, int i, int o) {
        return t * 10000 + h * 1000 + w * 100 + i * 10 + o;
    }
}
