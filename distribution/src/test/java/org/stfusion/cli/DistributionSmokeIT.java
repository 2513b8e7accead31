package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution (target/stfusion) started through its launcher, i.e. on the module path with ND4J on
 * the class path: built-ins are listed, a modular plugin jar gets its own layer, a broken jar is one line.
 * Runs in the 'verify' phase, after the assembly.
 */
class DistributionSmokeIT {
    private static final String HOME_PROPERTY = "stfusion.distribution";
    private static final Path HOME = Path.of(System.getProperty(HOME_PROPERTY, "target/stfusion"));

    @BeforeAll
    static void onlyAfterTheAssembly() {
        // Set by the 'verify' execution in the pom; a -Dtest=... run in the 'test' phase has no distribution yet.
        assumeTrue(System.getProperty(HOME_PROPERTY) != null, "runs in the verify phase only");
    }

    record Result(int code, String out, String err) {
    }

    static Result launch(String... args) throws Exception {
        return launchFrom(HOME, args);
    }

    static Result launchFrom(Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/stfusion").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STFUSION_HEAP", "512m");
        Process p = pb.start();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (Exception ignored) {
                // the process ended
            }
        });
        drain.start();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/stfusion did not finish");
        drain.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A modular plugin jar compiled against the packaged API module. */
    static Path modularPlugin(Path work) throws Exception {
        Path api;
        try (Stream<Path> jars = Files.list(HOME.resolve("lib/modules"))) {
            api = jars.filter(j -> j.getFileName().toString().startsWith("stfusion-api-")).findFirst().orElseThrow();
        }
        Path src = Files.createDirectories(work.resolve("src/smoke"));
        Files.writeString(work.resolve("src/module-info.java"), "module smoke.plugin { requires org.stfusion.api; "
                + "provides org.stfusion.api.report.ReporterProvider with smoke.SmokeReporter; }");
        Files.writeString(src.resolve("SmokeReporter.java"), """
                package smoke;
                public final class SmokeReporter implements org.stfusion.api.report.ReporterProvider {
                    public String name() { return "smoke"; }
                    public String description() { return "smoke test " + getClass().getModule(); }
                    public org.stfusion.api.report.Reporter create(org.stfusion.api.config.PluginConfig c,
                                                                   org.stfusion.api.report.ReporterContext x) {
                        return e -> { };
                    }
                }
                """);
        Path classes = work.resolve("classes");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertEquals(0, ToolProvider.findFirst("javac").orElseThrow().run(quiet, quiet, "--release", "17",
                "--module-path", api.toString(), "-d", classes.toString(),
                work.resolve("src/module-info.java").toString(), src.resolve("SmokeReporter.java").toString()));
        Path jar = Files.createDirectories(work.resolve("plugins")).resolve("smoke-plugin.jar");
        assertEquals(0, ToolProvider.findFirst("jar").orElseThrow().run(quiet, quiet, "--create", "--file",
                jar.toString(), "-C", classes.toString(), "."));
        return jar.getParent();
    }

    @Test
    void launcherListsBuiltInsAndAModularPlugin(@TempDir Path work) throws Exception {
        Path plugins = modularPlugin(work);
        Result r = launch("--plugins", plugins.toString(), "plugins");
        assertEquals(0, r.code(), r.toString());
        for (String name : List.of("densenet3d", "spatial", "temporal", "synthetic", "console", "json", "html", "smoke")) {
            assertTrue(r.out().lines().anyMatch(l -> l.split("\\s+")[1].equals(name)), name + " in\n" + r.out());
        }
        assertTrue(r.out().contains("org.stfusion.backbones"), "built-ins are named modules:\n" + r.out());
        assertTrue(r.out().contains("smoke test module smoke.plugin"), "the plugin is in its own module:\n" + r.out());
        assertTrue(r.out().contains(plugins.resolve("smoke-plugin.jar").toString()), r.out());
        assertEquals("", r.err());
    }

    @Test
    void brokenPluginJarIsOneWarningLineAndSkipped(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Path jar = Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        Result r = launch("--plugins", plugins.toString(), "plugins");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("densenet3d"), "the built-ins are listed: " + r.out());
        assertTrue(r.err().startsWith("warning: plugin jar " + jar + " cannot be loaded"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        // a command that needs a plugin that is not installed names the jar that failed
        Path config = Files.writeString(work.resolve("c.yaml"), "backbone: {name: fancy}\ndataset: {name: synthetic}\n");
        Result needs = launch("--plugins", plugins.toString(), "config", config.toString());
        assertEquals(2, needs.code(), needs.toString());
        List<String> lines = needs.err().lines().toList();
        assertEquals(2, lines.size(), needs.err());
        assertTrue(lines.get(1).startsWith("stfusion: backbone.name: unknown backbone 'fancy'") && lines.get(1).contains(jar.toString()),
                lines.get(1));
    }

    /**
     * The third-party example (examples/plugin-backbone-example) built from its sources against the packaged
     * API alone, dropped into a plugins folder, and used for a whole (very short) experiment.
     */
    @Test
    void exampleBackbonePluginRunsAnExperiment(@TempDir Path work) throws Exception {
        Path example = Path.of("..", "examples", "plugin-backbone-example").toAbsolutePath().normalize();
        Path api;
        try (Stream<Path> jars = Files.list(HOME.resolve("lib/modules"))) {
            api = jars.filter(j -> j.getFileName().toString().startsWith("stfusion-api-")).findFirst().orElseThrow();
        }
        List<String> javac = new ArrayList<>(List.of("--release", "17", "--module-path", api.toString(),
                "-d", work.resolve("classes").toString()));
        try (Stream<Path> sources = Files.walk(example.resolve("src/main/java"))) {
            sources.filter(f -> f.toString().endsWith(".java")).forEach(f -> javac.add(f.toString()));
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertEquals(0, ToolProvider.findFirst("javac").orElseThrow().run(quiet, quiet, javac.toArray(String[]::new)));
        Path jar = Files.createDirectories(work.resolve("plugins")).resolve("example-backbone.jar");
        assertEquals(0, ToolProvider.findFirst("jar").orElseThrow().run(quiet, quiet, "--create", "--file",
                jar.toString(), "-C", work.resolve("classes").toString(), ".",
                "-C", example.resolve("src/main/resources").toString(), "."));
        Path config = Files.writeString(work.resolve("tiny.yaml"), """
                name: example-plugin
                backbone: {name: tiny-c3d, width: 8}
                dataset: {name: synthetic, task: motion, classes: 2, frames: 4, size: 16, trainSize: 32, valSize: 16}
                training: {batchSize: 16, warmupEpochs: 1, vdpEpochs: 1}
                sampling: {count: 2}
                reporters: [json]
                """);
        Path run = work.resolve("run");
        Result r = launch("--plugins", jar.getParent().toString(), "run", config.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.toString());
        String results = Files.readString(run.resolve("results.json"));
        assertTrue(results.contains("\"tiny-c3d\""), results);
        assertTrue(Files.readString(run.resolve("marginals.csv")).lines().anyMatch(l -> l.startsWith("F2,")));

        // The reports of that run through the launcher: the HTML page, and the chart rendered to PNG (JSVG on the
        // module path, headless AWT).
        Result report = launch("--plugins", jar.getParent().toString(), "report", run.toString(), "--format", "png");
        assertEquals(0, report.code(), report.toString());
        assertTrue(Files.readString(run.resolve("report.html")).contains("data-position=\"F2\""));
        var png = javax.imageio.ImageIO.read(run.resolve("fig4.png").toFile());
        assertTrue(png != null && png.getWidth() > 100, "fig4.png is an image");
    }

    /**
     * doctor through the launcher: ND4J with oneDNN and FFmpeg's decoders are reached from the module path
     * (both are class-path libraries), and a modular plugin jar is listed with its source.
     */
    @Test
    void doctorPassesOnThePackagedDistribution(@TempDir Path work) throws Exception {
        Path plugins = modularPlugin(work);
        Result r = launch("--plugins", plugins.toString(), "doctor", "--runs", work.resolve("runs").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("OK\\s+nd4j\\s+ND4J .*, Cpu backend with oneDNN")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("OK\\s+ffmpeg\\s+libavcodec .*decoders h264, mpeg4.*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("OK\\s+plugins\\s+" + Pattern.quote(plugins.resolve("smoke-plugin.jar")
                + ": reporter smoke"))), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("OK\\s+plugins\\s+org.stfusion.backbones: backbone densenet3d.*")), r.out());
        assertEquals("", r.err());
    }

    /**
     * Without oneDNN's natives (as on a platform JavaCPP builds none for), doctor warns and the planned engine trains
     * on ND4J's convolutions: an installation whose lib/classpath lacks the dnnl natives jar, all else linked.
     */
    @Test
    void withoutOneDnnTheEngineRunsOnNd4jsConvolutions(@TempDir Path work) throws Exception {
        Path home = Files.createDirectories(work.resolve("stfusion"));
        Path classpath = Files.createDirectories(home.resolve("lib/classpath"));
        Files.createDirectories(home.resolve("bin"));
        Files.copy(HOME.resolve("bin/stfusion"), home.resolve("bin/stfusion"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String dir : List.of("conf", "plugins", "lib/modules")) {
            Files.createSymbolicLink(home.resolve(dir), HOME.resolve(dir).toAbsolutePath());
        }
        int left = 0;
        try (Stream<Path> jars = Files.list(HOME.resolve("lib/classpath"))) {
            for (Path jar : jars.toList()) {
                if (jar.getFileName().toString().matches("dnnl-.*-linux-x86_64\\.jar")) {
                    left++;
                } else {
                    Files.createSymbolicLink(classpath.resolve(jar.getFileName()), jar.toAbsolutePath());
                }
            }
        }
        assertEquals(1, left, "the distribution ships oneDNN's natives jar");

        Result doctor = launchFrom(home, "doctor", "--runs", work.resolve("runs").toString());
        assertEquals(0, doctor.code(), doctor.toString());
        assertTrue(doctor.out().lines().anyMatch(l -> l.matches("WARN\\s+onednn\\s+oneDNN did not load.*")), doctor.out());

        Path config = Files.writeString(work.resolve("c.yaml"), """
                name: without-onednn
                backbone: {name: densenet3d, initFeatures: 8, growth: 8, blocks: [2, 2]}
                dataset: {name: synthetic, task: motion, classes: 2, frames: 4, size: 16, trainSize: 32, valSize: 16}
                training: {batchSize: 16, warmupEpochs: 1, vdpEpochs: 1}
                sampling: {count: 2}
                reporters: [json]
                """);
        Path run = work.resolve("run");
        Result r = launchFrom(home, "run", config.toString(), "--out", run.toString(), "-q");
        assertEquals(0, r.code(), r.toString());
        String results = Files.readString(run.resolve("results.json")).replaceAll("\\s", "");
        assertTrue(results.contains("\"directOneDnn\":\"none\""), results);
    }

    @Test
    void verboseShowsTheDebugLogOnStderr() throws Exception {
        Result r = launch("--verbose", "plugins");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("debug: registered backbone 'densenet3d'")), r.err());
    }
}
