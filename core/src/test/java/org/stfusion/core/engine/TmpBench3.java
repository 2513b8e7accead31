package org.stfusion.core.engine;

import java.util.Map;
import java.util.function.BiFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv3DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

public class TmpBench3 {
    static void time(String name, BiFunction<SameDiff, SDVariable, SDVariable> f) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 16, 64, 8, 16, 16));
        SDVariable y = f.apply(sd, x);
        y.mul(y).sum().rename("loss");
        sd.setLossVariables("loss");
        java.util.List<String> vars = new java.util.ArrayList<>();
        for (var v : sd.variables()) if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) vars.add(v.name());
        for (int i = 0; i < 3; i++) sd.calculateGradients(Map.of(), vars);
        long t = System.nanoTime();
        for (int i = 0; i < 10; i++) sd.calculateGradients(Map.of(), vars);
        System.out.printf("BENCH3 %-12s %.1f ms%n", name, (System.nanoTime() - t) / 1e6 / 10);
    }

    public void bench() {
        time("identity", (sd, x) -> x.mul(1.0));
        time("relu", (sd, x) -> sd.nn().relu(x, 0));
        time("mulC", (sd, x) -> x.mul(sd.var("g", Nd4j.rand(DataType.FLOAT, 1, 64, 1, 1, 1))));
        time("addC", (sd, x) -> x.add(sd.var("g", Nd4j.rand(DataType.FLOAT, 1, 64, 1, 1, 1))));
        time("meanKeep", (sd, x) -> x.sub(x.mean(true, 0, 2, 3, 4)));
        time("gate", (sd, x) -> x.mul(sd.reshape(sd.var("g", Nd4j.rand(DataType.FLOAT, 16)), -1, 1, 1, 1, 1)));
        time("conv1x1", (sd, x) -> sd.cnn().conv3d(x, sd.var("w", Nd4j.rand(DataType.FLOAT, 1, 1, 1, 64, 64)),
                Conv3DConfig.builder().kD(1).kH(1).kW(1).sD(1).sH(1).sW(1).pD(0).pH(0).pW(0).dD(1).dH(1).dW(1).biasUsed(false).paddingMode(PaddingMode.VALID).dataFormat("NCDHW").build()));
        time("conv3x1x1", (sd, x) -> sd.cnn().conv3d(x, sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 1, 1, 64, 64)),
                Conv3DConfig.builder().kD(3).kH(1).kW(1).sD(1).sH(1).sW(1).pD(1).pH(0).pW(0).dD(1).dH(1).dW(1).biasUsed(false).paddingMode(PaddingMode.VALID).dataFormat("NCDHW").build()));
        time("conv1x3x3", (sd, x) -> sd.cnn().conv3d(x, sd.var("w", Nd4j.rand(DataType.FLOAT, 1, 3, 3, 64, 16)),
                Conv3DConfig.builder().kD(1).kH(3).kW(3).sD(1).sH(1).sW(1).pD(0).pH(1).pW(1).dD(1).dH(1).dW(1).biasUsed(false).paddingMode(PaddingMode.VALID).dataFormat("NCDHW").build()));
        time("concat", (sd, x) -> sd.concat(1, x, x.mul(2.0)));
    }
}
