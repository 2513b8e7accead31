package org.stfusion.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;

/**
 * Running statistics as PyTorch's BatchNorm3d keeps them: momentum 0.1 and the variance unbiased by n/(n-1) with
 * n the values each batch norm itself normalises per channel (batch × its input's T·H·W), not the input clip's.
 */
class RunningStatisticsTest {
    private static final InputSpec IN = new InputSpec(3, 4, 16, 16, 3);

    @ParameterizedTest
    @EnumSource(Engine.class)
    void everyBatchNormUnbiasesItsVarianceWithItsOwnCount(Engine engine) {
        var net = new TemplateNetwork(TestNetworks.micro(IN), IN, TestNetworks.paths(), new VdpSettings(0.1, 0.2, 3.0, 50),
                DataType.DOUBLE, 11, engine);
        int batch = 3;
        INDArray clips = TestNetworks.clips(DataType.DOUBLE, batch, IN, 5);
        Map<String, INDArray> noise = TestNetworks.noise(DataType.DOUBLE, net, batch, 5);
        Map<String, INDArray[]> stats = net.template().executor().batchStatistics(clips, noise);
        long clipVoxels = (long) IN.frames() * IN.height() * IN.width();
        int smallerThanTheClip = 0;

        net.trainStep(net.template(), clips, TestNetworks.oneHot(DataType.DOUBLE, batch, 3, 5), noise);

        for (String bn : net.template().graph().batchNorms()) {
            long n = batch * net.template().graph().batchNormVoxels(bn);
            smallerThanTheClip += n < batch * clipVoxels ? 1 : 0;
            INDArray expectedVar = stats.get(bn)[1].mul(0.1 * n / (n - 1.0)).addi(0.9).reshape(-1);
            INDArray expectedMean = stats.get(bn)[0].mul(0.1).reshape(-1);
            assertTrue(expectedVar.equalsWithEps(net.store().state().get(bn + ".runningVar").reshape(-1), 1e-12), bn);
            assertTrue(expectedMean.equalsWithEps(net.store().state().get(bn + ".runningMean").reshape(-1), 1e-12), bn);
        }
        assertTrue(smallerThanTheClip > 0, "the micro network down-samples, so some counts differ from the clip's");
        assertEquals(net.template().graph().batchNorms().size(), stats.size());
    }
}
