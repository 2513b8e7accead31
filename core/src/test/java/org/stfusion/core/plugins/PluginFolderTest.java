package org.stfusion.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.ConfigException;

/** Plugin jars dropped into a plugins folder: compiled against the API at test time. */
class PluginFolderTest {
    private static final String SERVICE = "org.stfusion.api.model.BackboneProvider";

    @TempDir
    Path work;

    private Path plainJar(String jarName, String pluginName) throws Exception {
        return TestPluginJars.jar(work, jarName,
                Map.of("testplugin/plain/PlainBackbone.java",
                        TestPluginJars.backboneSource("testplugin.plain", "PlainBackbone", pluginName)),
                Map.of("META-INF/services/" + SERVICE, "# a comment\ntestplugin.plain.PlainBackbone\n"));
    }

    /** A modular jar that declares its provider only in module-info (no META-INF/services). */
    private Path modularJar(String jarName, String pluginName, String extraRequires) throws Exception {
        return TestPluginJars.jar(work, jarName, Map.of(
                "module-info.java", """
                        module test.plugin.modular {
                            requires org.stfusion.api;
                            %s
                            provides org.stfusion.api.model.BackboneProvider with testplugin.modular.ModularBackbone;
                        }
                        """.formatted(extraRequires),
                "testplugin/modular/ModularBackbone.java",
                TestPluginJars.backboneSource("testplugin.modular", "ModularBackbone", pluginName)), Map.of());
    }

    @Test
    void plainJarIsFoundWithItsSource() throws Exception {
        Path plugins = work.resolve("plugins");
        Path jar = TestPluginJars.install(plainJar("plain.jar", "test-plain"), plugins);
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), plugins);

        var provider = catalog.backbones().get("backbone.name", "test-plain");
        assertEquals(jar.toString(), catalog.backbones().source("test-plain"));
        assertNotSame(getClass().getClassLoader(), provider.getClass().getClassLoader(), "isolated loader");
        assertTrue(catalog.backbones().names().contains(FixtureBackboneProvider.NAME), "built-ins are still there");
        PluginDescriptor row = catalog.describe().stream().filter(d -> d.name().equals("test-plain")).findFirst().orElseThrow();
        assertEquals(new PluginDescriptor("backbone", "test-plain", "unversioned", jar.toString(), "compiled by a test"), row);
    }

    @Test
    void modularJarIsFoundOnTheClassPathThroughItsProvides() throws Exception {
        // Tests run on the class path, so the modular jar gets a class loader and module-info 'provides' is read.
        Path plugins = work.resolve("plugins");
        Path jar = TestPluginJars.install(modularJar("modular.jar", "test-modular", ""), plugins);
        TestPluginJars.install(plainJar("plain.jar", "test-plain"), plugins);
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), plugins);

        assertEquals(jar.toString(), catalog.backbones().source("test-modular"));
        assertEquals(jar.toString().replace("modular.jar", "plain.jar"), catalog.backbones().source("test-plain"));
    }

    @Test
    void modularJarGetsItsOwnLayerWhenTheApiIsANamedModule() throws Exception {
        Path jar = modularJar("modular.jar", "test-modular", "");
        // A layer holding org.stfusion.api as a named module, as in the distribution (recipe B).
        Configuration cf = ModuleLayer.boot().configuration()
                .resolve(ModuleFinder.of(TestPluginJars.apiLocation()), ModuleFinder.of(), Set.of("org.stfusion.api"));
        ClassLoader app = getClass().getClassLoader();
        ModuleLayer apiLayer = ModuleLayer.boot().defineModulesWithOneLoader(cf, app);
        Class<?> spi = apiLayer.findLoader("org.stfusion.api").loadClass(SERVICE);

        List<PluginJars.Found> found = PluginJars.load(jar, app, apiLayer, List.of(spi));

        assertEquals(1, found.size());
        Object provider = found.get(0).provider();
        Module module = provider.getClass().getModule();
        assertEquals("test.plugin.modular", module.getName());
        assertEquals(List.of(apiLayer), module.getLayer().parents());
        assertTrue(module.canRead(app.getUnnamedModule()), "reads the class path like the built-ins");
        assertEquals("test-modular", spi.getMethod("name").invoke(provider));
        assertEquals(jar.toString(), found.get(0).source());
    }

    @Test
    void modularJarThatDoesNotResolveIsOneLineNamingTheJar() throws Exception {
        Path jar = modularJar("modular.jar", "test-modular", "");
        // The boot layer of this test JVM has no org.stfusion.api module, so the jar's 'requires' cannot resolve.
        var e = assertThrows(PluginLoadException.class, () -> PluginJars.load(jar, getClass().getClassLoader(),
                ModuleLayer.boot(), List.of(org.stfusion.api.model.BackboneProvider.class)));
        assertTrue(e.getMessage().startsWith("plugin jar " + jar + " cannot be loaded: "), e.getMessage());
        assertTrue(e.getMessage().contains("org.stfusion.api") && e.getMessage().contains("test.plugin.modular"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void brokenJarsAreSkippedAsOneLineProblemsNamingTheJar() throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Path good = TestPluginJars.install(plainJar("d-good.jar", "test-good"), plugins);
        Path corrupt = Files.writeString(plugins.resolve("a-corrupt.jar"), "this is not a zip file");
        Path missingClass = TestPluginJars.install(TestPluginJars.jar(work, "b-missing-class.jar", Map.of(),
                Map.of("META-INF/services/" + SERVICE, "testplugin.Nowhere\n")), plugins);
        Path empty = TestPluginJars.install(TestPluginJars.jar(work, "c-empty.jar", Map.of(),
                Map.of("README.txt", "nothing here")), plugins);

        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), plugins);

        List<PluginLoadException> problems = catalog.problems();
        assertEquals(List.of(corrupt.toString(), missingClass.toString(), empty.toString()),
                problems.stream().map(PluginLoadException::source).toList());
        assertTrue(problems.get(0).getMessage().startsWith("plugin jar " + corrupt + " cannot be loaded: "), problems.get(0).getMessage());
        assertTrue(problems.get(1).getMessage().startsWith("plugin jar " + missingClass + " cannot be loaded: ")
                && problems.get(1).getMessage().contains("testplugin.Nowhere"), problems.get(1).getMessage());
        assertTrue(problems.get(2).getMessage().startsWith("plugin jar " + empty + " provides no stfusion plugin"),
                problems.get(2).getMessage());
        problems.forEach(p -> assertFalse(p.getMessage().contains("\n"), p.getMessage()));
        assertTrue(problems.get(0) instanceof ConfigException);
        // the good jar and the built-ins are there; a name nobody provides points at the jars that failed
        assertEquals(good.toString(), catalog.backbones().source("test-good"));
        assertTrue(catalog.backbones().names().contains(FixtureBackboneProvider.NAME));
        var e = assertThrows(UnknownPluginException.class, () -> catalog.backbones().get("backbone.name", "test-gone"));
        assertTrue(e.getMessage().startsWith("backbone.name: unknown backbone 'test-gone'; available: "), e.getMessage());
        assertTrue(e.getMessage().contains("3 plugin jars that failed to load: plugin jar " + corrupt), e.getMessage());
        assertTrue(e.getMessage().contains(missingClass.toString()) && e.getMessage().contains(empty.toString()), e.getMessage());
        assertEquals(java.util.Optional.of(good.toString()),
                catalog.jarOf(catalog.backbones().get("backbone.name", "test-good")));
        assertEquals(java.util.Optional.empty(),
                catalog.jarOf(catalog.backbones().get("backbone.name", FixtureBackboneProvider.NAME)));
    }

    @Test
    void jarProblemsNameEveryBrokenJarWithoutRegisteringAnything() throws Exception {
        Path plugins = work.resolve("plugins");
        Path good = TestPluginJars.install(plainJar("b-good.jar", "test-good"), plugins);
        Path corrupt = Files.writeString(plugins.resolve("a-corrupt.jar"), "this is not a zip file");
        Path empty = TestPluginJars.install(TestPluginJars.jar(work, "c-empty.jar", Map.of(),
                Map.of("README.txt", "nothing here")), plugins);

        List<PluginLoadException> problems = PluginCatalog.jarProblems(getClass().getClassLoader(), plugins);

        assertEquals(List.of(corrupt.toString(), empty.toString()), problems.stream().map(PluginLoadException::source).toList());
        assertEquals(List.of(corrupt, good, empty), PluginCatalog.jars(plugins));
        assertEquals(List.of(), PluginCatalog.jarProblems(getClass().getClassLoader(), work.resolve("missing")));
    }

    @Test
    void pluginTakingABuiltInNameLeavesTheNameToNeitherAndNamesBothSources() throws Exception {
        Path plugins = work.resolve("plugins");
        Path jar = TestPluginJars.install(plainJar("copy.jar", FixtureBackboneProvider.NAME), plugins);
        TestPluginJars.install(modularJar("other.jar", "test-other", ""), plugins);
        String builtIn = PluginCatalog.discover(getClass().getClassLoader(), null).backbones().source(FixtureBackboneProvider.NAME);

        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), plugins);

        assertEquals(1, catalog.problems().size(), catalog.problems().toString());
        String problem = catalog.problems().get(0).getMessage();
        assertTrue(problem.startsWith("backbone '" + FixtureBackboneProvider.NAME + "' is declared 2 times: "), problem);
        assertTrue(problem.contains(jar.toString()) && problem.contains(builtIn), problem);
        assertFalse(catalog.backbones().names().contains(FixtureBackboneProvider.NAME), "no silent winner");
        var e = assertThrows(PluginLoadException.class, () -> catalog.backbones().get("backbone.name", FixtureBackboneProvider.NAME));
        assertEquals("backbone.name: " + problem, e.getMessage());
        assertTrue(catalog.backbones().find("test-other").isPresent(), "other plugins are unaffected");
    }

    @Test
    void otherFilesInThePluginsFolderAreIgnored() throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.writeString(plugins.resolve("README.txt"), "drop plugin jars here");
        Files.createDirectories(plugins.resolve("sub.jar.d"));
        assertTrue(PluginCatalog.discover(getClass().getClassLoader(), plugins).backbones().names().contains(FixtureBackboneProvider.NAME));
        assertTrue(NamedProvider.class.getModule().getLayer() == null, "these tests run on the class path");
    }
}
