package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.cli.StfusionCliTest.run;
import static org.stfusion.cli.StfusionCliTest.userError;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.NamedProvider;
import org.stfusion.cli.StfusionCliTest.Result;

/**
 * Broken plugin jars, compiled and packed by the test, through the command line: a bad jar is one warning line
 * naming it and is skipped by the commands that do not need it; a command that needs it fails with one line naming
 * the jar (exit code 2), as does a plugin that throws while the experiment creates it.
 */
class PluginFailuresTest {
    private static final String BACKBONE_SERVICE = "org.stfusion.api.model.BackboneProvider";
    private static final String REPORTER_SERVICE = "org.stfusion.api.report.ReporterProvider";

    @TempDir
    static Path work;
    static Path config;

    @BeforeAll
    static void tinyExperiment() throws IOException {
        config = Files.writeString(work.resolve("tiny.yaml"), ConfigCorpusTest.render(ConfigCorpusTest.base()));
    }

    /** A backbone whose create throws; named {@code name}. */
    private static String throwingBackbone(String cls, String name) {
        return """
                package broken;

                import org.stfusion.api.config.PluginConfig;
                import org.stfusion.api.model.Backbone;
                import org.stfusion.api.model.BackboneProvider;
                import org.stfusion.api.model.InputSpec;

                public final class %s implements BackboneProvider {
                    @Override public String name() { return "%s"; }
                    @Override public Backbone create(PluginConfig config, InputSpec input) {
                        throw new IllegalStateException("kaboom");
                    }
                }
                """.formatted(cls, name);
    }

    @Test
    void aPluginThatThrowsInCreateIsAPluginErrorNamingThePluginAndItsJar() throws Exception {
        Path plugins = work.resolve("throws-plugins");
        Path jar = jar(plugins, "boom.jar", Map.of("broken/Boom.java", throwingBackbone("Boom", "boom")),
                Map.of("META-INF/services/" + BACKBONE_SERVICE, "broken.Boom\n"));
        Path out = work.resolve("throws-run");

        Result r = run("--plugins", plugins.toString(), "run", config.toString(), "--set", "backbone.name=boom",
                "--out", out.toString());

        String msg = userError(r);
        String expected = "stfusion: backbone plugin 'boom' from " + jar + " failed while creating the backbone: "
                + "IllegalStateException: kaboom (a bug in the plugin: update or remove the jar) (stack trace in ";
        assertTrue(msg.startsWith(expected) && msg.endsWith(")"), msg);
        // The plugin failed before the run folder passed its checks: nothing was written there, the log is apart.
        Path log = Path.of(msg.substring(expected.length(), msg.length() - 1));
        assertTrue(Files.notExists(out), "no run folder left for a run that never started");
        String text = Files.readString(log);
        assertTrue(text.contains("java.lang.IllegalStateException: kaboom") && text.contains("broken.Boom.create(Boom.java"), text);
    }

    @Test
    void aPluginMissingADependencyAtCreateIsAPluginErrorNamingTheJar() throws Exception {
        // compiled against a helper class that the jar then leaves out: NoClassDefFoundError when create runs
        Path plugins = work.resolve("dependency-plugins");
        Map<String, String> sources = Map.of(
                "broken/Helper.java", "package broken; public final class Helper { public static void help() { } }",
                "broken/NeedsHelper.java", """
                        package broken;

                        import org.stfusion.api.config.PluginConfig;
                        import org.stfusion.api.report.Reporter;
                        import org.stfusion.api.report.ReporterContext;
                        import org.stfusion.api.report.ReporterProvider;

                        public final class NeedsHelper implements ReporterProvider {
                            @Override public String name() { return "needs-helper"; }
                            @Override public Reporter create(PluginConfig config, ReporterContext context) {
                                Helper.help();
                                return event -> { };
                            }
                        }
                        """);
        Path jar = jar(plugins, "needs-helper.jar", sources, Map.of("META-INF/services/" + REPORTER_SERVICE, "broken.NeedsHelper\n"),
                "broken/Helper.class");
        Path out = work.resolve("dependency-run");

        String msg = userError(run("--plugins", plugins.toString(), "run", config.toString(), "--set",
                "reporters=[needs-helper]", "--out", out.toString()));

        assertTrue(msg.startsWith("stfusion: reporter plugin 'needs-helper' from " + jar + " failed while creating the reporter: "
                + "NoClassDefFoundError: broken/Helper"), msg);
    }

    @Test
    void aCorruptJarIsOneWarningAndCommandsThatDoNotNeedItWork() throws Exception {
        Path plugins = Files.createDirectories(work.resolve("corrupt-plugins"));
        Path corrupt = Files.writeString(plugins.resolve("corrupt.jar"), "this is not a zip file");

        Result list = run("--plugins", plugins.toString(), "plugins");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains("densenet3d"), list.out());
        assertEquals(1, list.errLines().size(), list.err());
        assertTrue(list.err().startsWith("warning: plugin jar " + corrupt + " cannot be loaded: ZipException"), list.err());
        assertTrue(list.err().strip().endsWith("; skipped"), list.err());

        Result config = run("--plugins", plugins.toString(), "config", PluginFailuresTest.config.toString());
        assertEquals(0, config.code(), config.toString());
        assertEquals(1, config.errLines().size(), config.err());

        Result quiet = run("--quiet", "--plugins", plugins.toString(), "plugins");
        assertEquals(0, quiet.code(), quiet.toString());
        assertEquals("", quiet.err());

        // a command that needs a plugin that is not there names the jar that may have held it
        Result needs = run("--plugins", plugins.toString(), "config", PluginFailuresTest.config.toString(), "--set",
                "backbone.name=fancy");
        assertEquals(StfusionCli.EXIT_USAGE, needs.code(), needs.toString());
        List<String> lines = needs.errLines();
        assertEquals(2, lines.size(), "the warning, then the error: " + needs.err());
        assertTrue(lines.get(1).startsWith("stfusion: backbone.name: unknown backbone 'fancy'; available: "), lines.get(1));
        assertTrue(lines.get(1).contains("; it may be in a plugin jar that failed to load: plugin jar " + corrupt
                + " cannot be loaded: ZipException"), lines.get(1));
    }

    @Test
    void aJarWhoseProviderFailsToLinkIsSkippedAndTheOthersLoad() throws Exception {
        // the provider extends a class the jar leaves out: loading it fails with NoClassDefFoundError
        Path plugins = work.resolve("link-plugins");
        Map<String, String> sources = Map.of(
                "broken/Base.java", "package broken; public abstract class Base { }",
                "broken/Unlinkable.java", throwingBackbone("Unlinkable", "unlinkable").replace("implements", "extends Base implements"));
        Path bad = jar(plugins, "a-unlinkable.jar", sources, Map.of("META-INF/services/" + BACKBONE_SERVICE, "broken.Unlinkable\n"),
                "broken/Base.class");
        Path good = jar(plugins, "b-good.jar", Map.of("good/Fine.java", throwingBackbone("Fine", "fine").replace("package broken", "package good")),
                Map.of("META-INF/services/" + BACKBONE_SERVICE, "good.Fine\n"));

        Result list = run("--plugins", plugins.toString(), "plugins");

        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("backbone ") && l.contains(" fine ")), list.out());
        assertEquals(1, list.errLines().size(), list.err());
        assertTrue(list.err().startsWith("warning: plugin jar " + bad + " cannot be loaded: "), list.err());
        assertTrue(list.err().contains("broken/Base"), list.err());
        assertFalse(list.err().contains(good.toString()), list.err());

        String msg = errorAfterWarnings(run("--plugins", plugins.toString(), "config", config.toString(), "--set",
                "backbone.name=unlinkable"), 1);
        assertTrue(msg.contains("unknown backbone 'unlinkable'") && msg.contains(bad.toString()), msg);
    }

    @Test
    void aJarTakingABuiltInNameIsAWarningAndThatNameFailsNamingBoth() throws Exception {
        Path plugins = work.resolve("duplicate-plugins");
        Path jar = jar(plugins, "copy.jar", Map.of("broken/Copy.java", throwingBackbone("Copy", "densenet3d")),
                Map.of("META-INF/services/" + BACKBONE_SERVICE, "broken.Copy\n"));

        Result list = run("--plugins", plugins.toString(), "plugins");
        assertEquals(0, list.code(), list.toString());
        assertEquals(1, list.errLines().size(), list.err());
        assertTrue(list.err().startsWith("warning: backbone 'densenet3d' is declared 2 times: "), list.err());
        assertFalse(list.out().contains("densenet3d"), "neither is listed as installed: " + list.out());

        String msg = errorAfterWarnings(run("--plugins", plugins.toString(), "config", config.toString()), 1);
        assertTrue(msg.startsWith("stfusion: backbone.name: backbone 'densenet3d' is declared 2 times: "), msg);
        assertTrue(msg.contains(jar.toString()) && msg.contains("org.stfusion.backbones.DenseNet3dProvider"), msg);
        // commands that do not use the name still work
        Result other = run("--plugins", plugins.toString(), "config", config.toString(), "--set", "backbone.name=resnet3d");
        assertEquals(0, other.code(), other.toString());
    }

    /** The error line after {@code warnings} warning lines, as {@link StfusionCliTest#userError} checks it. */
    private static String errorAfterWarnings(Result r, int warnings) {
        assertEquals(StfusionCli.EXIT_USAGE, r.code(), r.toString());
        List<String> lines = r.errLines();
        assertEquals(warnings + 1, lines.size(), r.err());
        for (int i = 0; i < warnings; i++) {
            assertTrue(lines.get(i).startsWith("warning: "), lines.get(i));
        }
        String last = lines.get(warnings);
        assertTrue(last.startsWith("stfusion: ") && !r.err().contains("\tat "), r.err());
        return last;
    }

    // ---- compiling and packing plugin jars

    private static Path apiLocation() {
        try {
            return Path.of(NamedProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles {@code sources} against the API, packs the classes (less {@code leftOut}) and {@code resources} as
     * {@code plugins/jarName}.
     */
    private static Path jar(Path plugins, String jarName, Map<String, String> sources, Map<String, String> resources,
                            String... leftOut) throws IOException {
        Path src = Files.createDirectories(work.resolve(jarName + "-src"));
        Path classes = Files.createDirectories(work.resolve(jarName + "-classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-classpath",
                apiLocation().toString()));
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new IllegalStateException("no javac: run on a JDK"));
        StringWriter log = new StringWriter();
        if (javac.run(new PrintWriter(log), new PrintWriter(log), args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("test plugin does not compile:\n" + log);
        }
        for (String gone : leftOut) {
            Files.delete(classes.resolve(gone));
        }
        for (var e : resources.entrySet()) {
            Path f = classes.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
        Files.createDirectories(plugins);
        Path jar = plugins.resolve(jarName);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, mf);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(f));
                jos.closeEntry();
            }
        }
        return jar;
    }
}
