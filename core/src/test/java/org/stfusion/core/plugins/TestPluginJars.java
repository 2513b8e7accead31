package org.stfusion.core.plugins;

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
import org.stfusion.api.NamedProvider;

/** Compiles small plugin sources against the API at test time and packs them as jars. */
final class TestPluginJars {
    private TestPluginJars() {
    }

    /** The API classes as found on the test class path: the api jar, or api/target/classes in a reactor build. */
    static Path apiLocation() {
        try {
            return Path.of(NamedProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A backbone provider source named {@code pluginName} in class {@code pkg.className}. */
    static String backboneSource(String pkg, String className, String pluginName) {
        return """
                package %s;

                import org.stfusion.api.config.PluginConfig;
                import org.stfusion.api.model.Backbone;
                import org.stfusion.api.model.BackboneProvider;
                import org.stfusion.api.model.InputSpec;

                public final class %s implements BackboneProvider {
                    @Override public String name() { return "%s"; }
                    @Override public String description() { return "compiled by a test"; }
                    @Override public Backbone create(PluginConfig config, InputSpec input) {
                        throw new UnsupportedOperationException();
                    }
                }
                """.formatted(pkg, className, pluginName);
    }

    /**
     * Compiles {@code sources} (path relative to the source root, e.g. {@code a/B.java} or
     * {@code module-info.java} -> text) against the API and packs the classes plus {@code resources} into a jar.
     */
    static Path jar(Path work, String jarName, Map<String, String> sources, Map<String, String> resources)
            throws IOException {
        Path src = Files.createDirectories(work.resolve(jarName + "-src"));
        Path classes = Files.createDirectories(work.resolve(jarName + "-classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
        boolean modular = sources.containsKey("module-info.java");
        args.add(modular ? "--module-path" : "-classpath");
        args.add(apiLocation().toString());
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        // javac through java.util.spi.ToolProvider (java.base): the tests are patched into org.stfusion.core,
        // which does not read java.compiler.
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new IllegalStateException("no javac: run on a JDK"));
        StringWriter log = new StringWriter();
        PrintWriter pw = new PrintWriter(log);
        if (!sources.isEmpty() && javac.run(pw, pw, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("test plugin does not compile:\n" + log);
        }
        for (var e : resources.entrySet()) {
            Path f = classes.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
        return pack(classes, work.resolve(jarName));
    }

    static Path pack(Path dir, Path jar) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, mf);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jos.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(f));
                jos.closeEntry();
            }
        }
        return jar;
    }

    /** Moves {@code jar} into {@code pluginsDir} (created if needed) and returns its new path. */
    static Path install(Path jar, Path pluginsDir) throws IOException {
        Files.createDirectories(pluginsDir);
        return Files.move(jar, pluginsDir.resolve(jar.getFileName()));
    }
}
