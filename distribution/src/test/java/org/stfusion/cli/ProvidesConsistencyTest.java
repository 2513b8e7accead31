package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every project module declares its providers twice, as module-info {@code provides} (module path) and as
 * {@code META-INF/services} (class path: tests, and the class-path fallback for plugins). They must agree
 * (after Lucene's {@code TestModularLayer.testModularAndClasspathProvidersAreConsistent}). Reads the sources of
 * all modules listed in the root pom and of the example plugins; the working directory is the core module.
 */
class ProvidesConsistencyTest {
    private static final Set<String> EXPECTED_MODULES =
            Set.of("api", "core", "fusion-units", "backbones", "datasets", "reporters", "distribution");
    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");
    private static final Pattern PROVIDES = Pattern.compile("\\bprovides\\s+([\\w.$]+)\\s+with\\s+([^;]+);");
    private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

    static Path repoRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** The modules of the root pom. */
    static List<String> modules() throws IOException {
        Matcher m = MODULE.matcher(Files.readString(repoRoot().resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }

    /** The root pom's modules plus the example plugin projects ({@code examples/<name>/} with a module-info). */
    static List<String> modulesAndExamples() throws IOException {
        List<String> all = new ArrayList<>(modules());
        Path examples = repoRoot().resolve("examples");
        if (Files.isDirectory(examples)) {
            try (Stream<Path> dirs = Files.list(examples)) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("src/main/java/module-info.java")))
                        .map(d -> "examples/" + d.getFileName())
                        .sorted()
                        .forEach(all::add);
            }
        }
        return all;
    }

    /** service -> provider classes, from a module-info.java source. */
    static Map<String, Set<String>> provides(String moduleInfo) {
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = PROVIDES.matcher(COMMENTS.matcher(moduleInfo).replaceAll(" "));
        while (m.find()) {
            Set<String> providers = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            for (String p : m.group(2).split(",")) {
                providers.add(p.strip());
            }
        }
        return out;
    }

    /** service -> provider classes, from META-INF/services files. */
    static Map<String, Set<String>> services(Path servicesDir) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        if (!Files.isDirectory(servicesDir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(servicesDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Set<String> providers = new TreeSet<>();
                List<String> lines = Files.readAllLines(f);
                for (String line : lines) {
                    String entry = line.replaceAll("#.*", "").strip();
                    if (!entry.isEmpty()) {
                        assertTrue(providers.add(entry), f + " lists " + entry + " twice");
                    }
                }
                out.put(f.getFileName().toString(), providers);
            }
        }
        return out;
    }

    @Test
    void allProjectModulesAreChecked() throws IOException {
        assertTrue(Files.isRegularFile(repoRoot().resolve("api/src/main/java/module-info.java")),
                "run from the core module directory; repo root resolved to " + repoRoot());
        assertTrue(modules().containsAll(EXPECTED_MODULES), "root pom modules: " + modules());
    }

    @Test
    void modularAndClassPathProvidersAreConsistent() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String module : modulesAndExamples()) {
            Path dir = repoRoot().resolve(module);
            Path moduleInfo = dir.resolve("src/main/java/module-info.java");
            if (!Files.isRegularFile(moduleInfo)) {
                problems.add(module + ": no src/main/java/module-info.java");
                continue;
            }
            checked++;
            Map<String, Set<String>> declared = provides(Files.readString(moduleInfo));
            Map<String, Set<String>> listed = services(dir.resolve("src/main/resources/META-INF/services"));
            for (var e : declared.entrySet()) {
                Set<String> inFile = listed.get(e.getKey());
                if (inFile == null) {
                    problems.add(module + ": module-info provides " + e.getKey() + " but there is no "
                            + "src/main/resources/META-INF/services/" + e.getKey());
                } else if (!inFile.equals(e.getValue())) {
                    problems.add(module + ": module-info provides " + e.getKey() + " with " + e.getValue()
                            + " but META-INF/services lists " + inFile);
                }
                for (String provider : e.getValue()) {
                    if (!sourceExists(dir, provider)) {
                        problems.add(module + ": provider " + provider + " has no source in src/main/java");
                    }
                }
            }
            for (String service : listed.keySet()) {
                if (!declared.containsKey(service)) {
                    problems.add(module + ": META-INF/services/" + service + " has no matching 'provides' in module-info");
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        assertTrue(checked >= EXPECTED_MODULES.size(), "checked " + checked + " modules");
    }

    /** {@code a.b.C} is in {@code a/b/C.java}, or, for a nested class {@code a.b.C.D}, in {@code a/b/C.java}. */
    private static boolean sourceExists(Path moduleDir, String className) {
        Path src = moduleDir.resolve("src/main/java");
        String name = className;
        while (name.contains(".")) {
            if (Files.isRegularFile(src.resolve(name.replace('.', '/') + ".java"))) {
                return true;
            }
            name = name.substring(0, name.lastIndexOf('.'));
        }
        return false;
    }

    @Test
    void parsesProvidesWithCommentsAndSeveralProviders() {
        var parsed = provides("""
                /** provides x.Y with a.B; (in a comment) */
                module m {
                    requires org.stfusion.api; // provides p.Q with r.S;
                    provides org.stfusion.api.model.FusionUnitProvider with
                            a.Spatial,
                            a.Temporal;
                    provides x.Y with z.W;
                }
                """);
        assertEquals(Map.of("org.stfusion.api.model.FusionUnitProvider", Set.of("a.Spatial", "a.Temporal"),
                "x.Y", Set.of("z.W")), parsed);
    }
}
