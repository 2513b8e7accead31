package org.stfusion.example.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;

/** Smoke test (as Trino's example plugin): found by ServiceLoader, declares F1 and F2, checks its keys. */
class TinyC3dProviderTest {
    private static final InputSpec INPUT = new InputSpec(3, 8, 32, 32, 4);

    @Test
    void foundAndBuildsTwoFusionPositions() {
        BackboneProvider provider = ServiceLoader.load(BackboneProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("tiny-c3d")).findFirst().orElseThrow();
        List<String> fusions = new ArrayList<>();
        Tensor tensor = (Tensor) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Tensor.class}, (p, m, a) -> null);
        NetworkBuilder recorder = (NetworkBuilder) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {NetworkBuilder.class}, (p, m, a) -> {
                    if (m.getName().equals("fusion")) {
                        fusions.add((String) a[0]);
                    }
                    return m.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(p, m, a) : tensor;
                });
        provider.create(new PluginConfig("backbone", Map.of("width", 8)), INPUT).build(recorder, tensor);
        assertEquals(List.of("F1", "F2"), fusions);
    }

    @Test
    void widthIsChecked() {
        var e = assertThrows(ConfigException.class,
                () -> new TinyC3dProvider().create(new PluginConfig("backbone", Map.of("width", 0)), INPUT));
        assertEquals("backbone.width", e.key());
    }
}
