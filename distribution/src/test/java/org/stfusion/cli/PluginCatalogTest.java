package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.plugins.PluginDescriptor;
import org.stfusion.core.plugins.UnknownPluginException;

/** Discovery of the built-in plugins, as packaged with the command line, on the class path. */
class PluginCatalogTest {

    @Test
    void discoversBuiltInsOnTheClassPath(@TempDir Path noPlugins) {
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), noPlugins.resolve("missing"));
        assertTrue(catalog.backbones().names().contains("densenet3d"), catalog.toString());
        assertTrue(catalog.fusionUnits().names().containsAll(List.of("spatial", "temporal")), catalog.toString());
        assertTrue(catalog.datasets().names().contains("synthetic"), catalog.toString());
        assertTrue(catalog.reporters().names().containsAll(List.of("console", "json", "html")), catalog.toString());
        // On the class path a built-in's source is its jar (or classes directory in a reactor build).
        String source = catalog.backbones().source("densenet3d");
        assertTrue(Files.exists(Path.of(source)), source);
    }

    @Test
    void nullPluginsDirAndNullParentMeanBuiltInsOnly() {
        PluginCatalog catalog = PluginCatalog.discover(null, null);
        assertTrue(catalog.backbones().find("densenet3d").isPresent());
    }

    @Test
    void describeIsSortedByKindThenName() {
        List<PluginDescriptor> rows = PluginCatalog.discover(getClass().getClassLoader(), null).describe();
        List<PluginDescriptor> sorted = rows.stream()
                .sorted(Comparator.comparing(PluginDescriptor::kind).thenComparing(PluginDescriptor::name)).toList();
        assertEquals(sorted, rows);
        PluginDescriptor dense = rows.stream().filter(r -> r.name().equals("densenet3d")).findFirst().orElseThrow();
        assertEquals(PluginCatalog.BACKBONE, dense.kind());
        assertTrue(!dense.description().isBlank() && !dense.version().isBlank(), dense.toString());
        assertTrue(rows.stream().anyMatch(r -> r.kind().equals(PluginCatalog.FUSION_UNIT) && r.name().equals("spatial")));
    }

    @Test
    void unknownNameFromTheCatalog() {
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), null);
        var e = assertThrows(UnknownPluginException.class, () -> catalog.backbones().get("backbone.name", "resnet"));
        assertTrue(e.getMessage().startsWith("backbone.name: unknown backbone 'resnet'; available: "), e.getMessage());
        assertTrue(e.getMessage().contains("densenet3d"), e.getMessage());
    }

    static final class FakeBackbone implements BackboneProvider {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Backbone create(PluginConfig config, InputSpec input) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void ofRegistersGivenProvidersByKind() {
        PluginCatalog catalog = PluginCatalog.of(List.of(new FakeBackbone()));
        assertEquals(List.of("fake"), catalog.backbones().names());
        assertTrue(catalog.fusionUnits().names().isEmpty());
        assertEquals(1, catalog.describe().size());
    }
}
