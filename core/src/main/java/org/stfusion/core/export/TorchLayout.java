package org.stfusion.core.export;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.run.UserException;

/**
 * Our arrays in PyTorch's layouts and back. The engine keeps convolution weights as ND4J's conv3d wants them,
 * [kT, kH, kW, in, out]; PyTorch's {@code Conv3d.weight} is [out, in, kT, kH, kW] (both cross-correlate, so only
 * the axes move). Batch-norm vectors are [1, C, 1, 1, 1] here and [C] there, the classifier weight [in, out] here
 * and {@code Linear.weight} [out, in] there, a gate's θ [1] here and a 0-d tensor there. The kind of an array
 * follows from the last part of its name, which the graph recorder alone chooses.
 */
public final class TorchLayout {
    private static final int[] CONV_TO_TORCH = {4, 3, 0, 1, 2};
    private static final int[] CONV_FROM_TORCH = {2, 3, 4, 1, 0};

    private TorchLayout() {
    }

    enum Kind { CONV, LINEAR, VECTOR, SCALAR }

    static Kind kind(String name, long[] shape) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        switch (last) {
            case "theta":
                return require(name, shape, shape.length == 1 && shape[0] == 1, Kind.SCALAR);
            case "gamma", "beta", "runningMean", "runningVar":
                return require(name, shape, shape.length == 5 && shape[0] == 1 && shape[2] == 1 && shape[3] == 1
                        && shape[4] == 1, Kind.VECTOR);
            case "bias":
                return require(name, shape, shape.length == 2 && shape[0] == 1, Kind.VECTOR);
            case "weight":
                if (shape.length == 5) {
                    return Kind.CONV;
                }
                return require(name, shape, shape.length == 2, Kind.LINEAR);
            default:
                throw new IllegalStateException("no PyTorch layout for '" + name + "' " + Arrays.toString(shape));
        }
    }

    private static Kind require(String name, long[] shape, boolean ok, Kind kind) {
        if (!ok) {
            throw new IllegalStateException("'" + name + "' has shape " + Arrays.toString(shape) + ", unexpected for a "
                    + kind.name().toLowerCase(java.util.Locale.ROOT));
        }
        return kind;
    }

    /** The shape PyTorch gives the array named {@code name} whose shape here is {@code ours}. */
    public static long[] torchShape(String name, long[] ours) {
        return switch (kind(name, ours)) {
            case CONV -> permute(ours, CONV_TO_TORCH);
            case LINEAR -> new long[] {ours[1], ours[0]};
            case VECTOR -> new long[] {ours[1]};
            case SCALAR -> new long[0];
        };
    }

    /** {@code ours} as a tensor in PyTorch's layout, in its own data type (F32 or F64). */
    public static SafeTensors.Tensor toTorch(String name, INDArray ours) {
        INDArray a = switch (kind(name, ours.shape())) {
            case CONV -> ours.permute(CONV_TO_TORCH);
            case LINEAR -> ours.transpose();
            case VECTOR, SCALAR -> ours;
        };
        INDArray flat = a.dup('c').reshape(a.length());
        long[] shape = torchShape(name, ours.shape());
        return ours.dataType() == DataType.DOUBLE ? SafeTensors.Tensor.ofDoubles(shape, flat.toDoubleVector())
                : SafeTensors.Tensor.ofFloats(shape, flat.castTo(DataType.FLOAT).toFloatVector());
    }

    /**
     * Copies {@code tensor} (PyTorch's layout) into {@code target} (ours), converting the element type; a tensor of
     * another shape or a non-float type is refused naming {@code file} and the tensor.
     */
    public static void assign(String file, String tensorName, SafeTensors.Tensor tensor, String name, INDArray target) {
        long[] expected = torchShape(name, target.shape());
        if (!Arrays.equals(expected, tensor.shape())) {
            throw new UserException(file + ": tensor '" + tensorName + "' has shape " + Arrays.toString(tensor.shape())
                    + ", the network needs " + Arrays.toString(expected));
        }
        if (tensor.dtype() == SafeTensors.DType.I64) {
            throw new UserException(file + ": tensor '" + tensorName + "' holds integers (I64), the network needs F32 or F64");
        }
        INDArray torch = Nd4j.create(tensor.toDoubles(), expected.length == 0 ? new long[] {1} : expected, 'c');
        INDArray back = switch (kind(name, target.shape())) {
            case CONV -> torch.permute(CONV_FROM_TORCH);
            case LINEAR -> torch.transpose();
            case VECTOR, SCALAR -> torch.reshape('c', target.shape());
        };
        target.assign(back.castTo(target.dataType()));
    }

    private static long[] permute(long[] shape, int[] order) {
        long[] out = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = shape[order[i]];
        }
        return out;
    }
}
