package org.stfusion.backbones;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * torchvision's 2D DenseNet in inference mode, written with ND4J's 2D operations, as the reference the inflated 3D
 * network is compared with: {@code features} (conv0 7x7 s2 p3 - norm0 - ReLU - max-pool 3 s2 p1; dense layers norm1 -
 * ReLU - conv1 1x1 - norm2 - ReLU - conv2 3x3 p1, concatenated; transitions norm - ReLU - conv 1x1 - avg-pool 2 s2;
 * norm5), then ReLU: the feature map torchvision's classifier pools. Weights are the state_dict's tensors in PyTorch's
 * layout ([out, in, kH, kW]); batch norms use their running statistics, eps 1e-5.
 */
final class DenseNet2d {
    private static final double EPS = 1e-5;

    private final Map<String, INDArray> stateDict;

    DenseNet2d(Map<String, INDArray> stateDict) {
        this.stateDict = stateDict;
    }

    /** relu(features(frame)) for a frame [1, 3, H, W]. */
    INDArray features(INDArray frame, List<Integer> blocks) {
        INDArray x = relu(bn(conv(frame, "features.conv0", 2, 3), "features.norm0"));
        x = Nd4j.cnn().maxPooling2d(x, Pooling2DConfig.builder().kH(3).kW(3).sH(2).sW(2).pH(1).pW(1)
                .paddingMode(PaddingMode.VALID).isNHWC(false).build());
        for (int b = 1; b <= blocks.size(); b++) {
            for (int l = 1; l <= blocks.get(b - 1); l++) {
                String key = "features.denseblock" + b + ".denselayer" + l;
                INDArray h = conv(relu(bn(x, key + ".norm1")), key + ".conv1", 1, 0);
                h = conv(relu(bn(h, key + ".norm2")), key + ".conv2", 1, 1);
                x = Nd4j.concat(1, x, h);
            }
            if (b < blocks.size()) {
                String key = "features.transition" + b;
                x = conv(relu(bn(x, key + ".norm")), key + ".conv", 1, 0);
                x = Nd4j.cnn().avgPooling2d(x, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).pH(0).pW(0)
                        .paddingMode(PaddingMode.VALID).isNHWC(false).build());
            }
        }
        return relu(bn(x, "features.norm5"));
    }

    private INDArray conv(INDArray x, String key, int stride, int pad) {
        INDArray w = stateDict.get(key + ".weight"); // [out, in, kH, kW]
        INDArray yxio = w.permute(2, 3, 1, 0).dup('c');
        return Nd4j.cnn().conv2d(x, yxio, Conv2DConfig.builder().kH(w.size(2)).kW(w.size(3)).sH(stride).sW(stride)
                .pH(pad).pW(pad).dH(1).dW(1).paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).build());
    }

    /** Inference batch norm per channel: (x - running_mean) / sqrt(running_var + eps) * weight + bias. */
    private INDArray bn(INDArray x, String key) {
        INDArray out = x.dup();
        INDArray gamma = stateDict.get(key + ".weight");
        INDArray beta = stateDict.get(key + ".bias");
        INDArray mean = stateDict.get(key + ".running_mean");
        INDArray var = stateDict.get(key + ".running_var");
        for (int c = 0; c < x.size(1); c++) {
            INDArray channel = out.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
            double scale = gamma.getDouble(c) / Math.sqrt(var.getDouble(c) + EPS);
            channel.subi(mean.getDouble(c)).muli(scale).addi(beta.getDouble(c));
        }
        return out;
    }

    private static INDArray relu(INDArray x) {
        return Transforms.relu(x, true);
    }
}
