package org.stfusion.core.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.backbones.MobileNet3dProvider;
import org.stfusion.backbones.ResNeXt3dProvider;
import org.stfusion.backbones.ResNet3dProvider;
import org.stfusion.core.train.SgdMomentum;

/**
 * Smoke: the tiny template of each new backbone takes v-DropPath training steps on random clips without NaN
 * (the ResNets with one block per stage, which keeps a width-changing and a strided, pooled shortcut).
 */
class NewBackbonesTrainTest {
    private static final InputSpec IN = new InputSpec(3, 4, 16, 16, 3);

    @Test
    void tinyTemplatesTrainWithoutNaN() {
        Map<String, Object> oneBlockPerStage = Map.of("preset", "tiny", "blocks", List.of(1, 1, 1));
        Map<BackboneProvider, Map<String, Object>> settings = Map.of(new ResNet3dProvider(), oneBlockPerStage,
                new ResNeXt3dProvider(), oneBlockPerStage, new MobileNet3dProvider(), Map.of("preset", "tiny"));
        for (var backbone : settings.entrySet()) {
            BackboneProvider provider = backbone.getKey();
            var net = new TemplateNetwork(provider.create(new PluginConfig("backbone", backbone.getValue()), IN), IN,
                    Nets.paths(), VdpSettings.defaults(100), DataType.FLOAT, 3);
            var sgd = new SgdMomentum(0.9);
            for (int step = 0; step < 2; step++) {
                var result = net.trainStep(net.template(), Nets.clips(DataType.FLOAT, 4, IN, step),
                        Nets.oneHot(DataType.FLOAT, 4, 3, step), Nets.noise(DataType.FLOAT, net, 4, step));
                assertTrue(Double.isFinite(result.loss()) && result.loss() > 0, provider.name() + " loss " + result.loss());
                sgd.step(net.store().trainable(), result.gradients(), 0.05, 0);
            }
            for (var e : net.store().trainable().entrySet()) {
                assertTrue(finite(e.getValue()), provider.name() + ": " + e.getKey() + " is not finite");
            }
            for (var e : net.store().state().entrySet()) {
                assertTrue(finite(e.getValue()), provider.name() + ": " + e.getKey() + " is not finite");
            }
        }
    }

    private static boolean finite(INDArray a) {
        double sum = a.sumNumber().doubleValue();
        return Double.isFinite(sum) && Double.isFinite(a.amaxNumber().doubleValue());
    }
}
