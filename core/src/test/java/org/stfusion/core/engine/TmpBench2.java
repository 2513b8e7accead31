package org.stfusion.core.engine;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.model.InputSpec;

public class TmpBench2 {
    @Test
    public void bench() {
        System.out.println("BENCH build " + Nd4j.getExecutioner().getEnvironmentInformation() + " " + Nd4j.getExecutioner().getClass());
        InputSpec in = new InputSpec(3, 8, 32, 32, 4);
        var net = new TemplateNetwork(Nets.densenet(in, Map.of("preset", "tiny", "stemTemporalKernel", 1, "stemPoolTemporalKernel", 1)), in, Nets.paths(), VdpSettings.defaults(100), DataType.FLOAT, 1);
        int batch = 16;
        var x = Nets.clips(DataType.FLOAT, batch, in, 1);
        var y = Nets.oneHot(DataType.FLOAT, batch, 4, 1);
        var noise = Nets.noise(DataType.FLOAT, net, batch, 1);
        for (int i = 0; i < 3; i++) net.trainStep(net.template(), x, y, noise);
        long t = System.nanoTime();
        for (int i = 0; i < 10; i++) net.trainStep(net.template(), x, y, noise);
        System.out.printf("BENCH vdp step %.3f s%n", (System.nanoTime() - t) / 1e9 / 10);
        var eval = net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING));
        boolean[] k = new boolean[net.gates().size()]; java.util.Arrays.fill(k, true);
        boolean[] f = new boolean[net.template().classifierFeatures()]; java.util.Arrays.fill(f, true);
        var m = net.hardMasks(k, f);
        for (int i = 0; i < 3; i++) net.logits(eval, x, m);
        t = System.nanoTime();
        for (int i = 0; i < 10; i++) net.logits(eval, x, m);
        System.out.printf("BENCH eval fwd %.3f s%n", (System.nanoTime() - t) / 1e9 / 10);
    }
}
