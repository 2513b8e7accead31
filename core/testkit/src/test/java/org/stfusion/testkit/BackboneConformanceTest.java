package org.stfusion.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;
import org.stfusion.fusionunits.SpatialPathProvider;
import org.stfusion.fusionunits.TemporalPathProvider;

/** The examples/ plugin passes the kit; a broken backbone does not (the built-in ones run it in their module). */
class BackboneConformanceTest {
    private static final InputSpec TINY = new InputSpec(3, 4, 16, 16, 3);

    private static List<FusionPath> paths() {
        return List.of(new SpatialPathProvider().create(PluginConfig.empty("s")),
                new TemporalPathProvider().create(PluginConfig.empty("t")));
    }

    @Test
    void theExamplePluginConforms(@TempDir Path work) throws Exception {
        Path sources = Path.of("").toAbsolutePath().getParent().getParent().resolve("examples/plugin-backbone-example/src/main/java");
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", work.toString(), "-cp",
                Path.of(NamedProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("module-info.java"))
                    .forEach(f -> args.add(f.toString()));
        }
        assertEquals(0, ToolProvider.findFirst("javac").orElseThrow().run(System.out, System.err, args.toArray(String[]::new)));
        try (var loader = new URLClassLoader(new java.net.URL[] {work.toUri().toURL()}, getClass().getClassLoader())) {
            BackboneProvider provider = (BackboneProvider) loader.loadClass("org.stfusion.example.backbone.TinyC3dProvider")
                    .getDeclaredConstructor().newInstance();
            var report = BackboneConformance.verify(provider, Map.of("width", 8), TINY, paths());
            assertEquals(2, report.positions());
        }
    }

    @Test
    void aBackboneWithoutFusionPositionsIsRejected() {
        BackboneProvider noFusion = new BackboneProvider() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public Backbone create(PluginConfig config, InputSpec input) {
                return new Backbone() {
                    @Override
                    public Tensor build(NetworkBuilder b, Tensor x) {
                        Tensor h = b.conv3d("conv", x, 4, org.stfusion.api.model.Kernel3.cube(3),
                                org.stfusion.api.model.Kernel3.cube(1), org.stfusion.api.model.Kernel3.cube(1));
                        return b.classifier("fc", b.globalAvgPool(b.batchNormRelu("bn", h)), input.classes());
                    }

                    @Override
                    public Map<String, Object> settings() {
                        return Map.of();
                    }
                };
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> BackboneConformance.verify(noFusion, Map.of(), TINY, paths()));
        assertTrue(e.getMessage().contains("declares no fusion position"), e.getMessage());
    }
}
