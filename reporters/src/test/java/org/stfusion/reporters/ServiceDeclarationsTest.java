package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.stfusion.api.report.ReporterProvider;

/** The providers are declared twice, for the module path and the class path; the two lists must agree. */
class ServiceDeclarationsTest {
    private static final String SERVICE = ReporterProvider.class.getName();
    private static final Pattern PROVIDES = Pattern.compile("provides\\s+([\\w.]+)\\s+with\\s+([\\w.,\\s]+);");

    @Test
    void moduleInfoAndServiceFileAgree() throws IOException {
        String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
        Matcher m = PROVIDES.matcher(moduleInfo);
        assertTrue(m.find(), "module-info has a provides clause");
        assertEquals(SERVICE, m.group(1));
        Set<String> provided = Arrays.stream(m.group(2).split(",")).map(String::trim).collect(Collectors.toSet());

        Set<String> listed = Files.readAllLines(Path.of("src/main/resources/META-INF/services", SERVICE)).stream()
                .map(line -> line.replaceAll("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .collect(Collectors.toSet());

        assertEquals(Set.of(ConsoleReporterProvider.class.getName(), JsonReporterProvider.class.getName(),
                HtmlReporterProvider.class.getName(), MarkdownReporterProvider.class.getName(),
                Fig4ReporterProvider.class.getName()), provided);
        assertEquals(provided, listed);
    }

    @Test
    void serviceLoaderFindsEveryOneOnTheClassPath() {
        Map<String, ReporterProvider> byName = ServiceLoader.load(ReporterProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(ReporterProvider::name, Function.identity()));
        assertEquals(Set.of("console", "json", "html", "markdown", "fig4"), byName.keySet());
        assertTrue(byName.get("console") instanceof ConsoleReporterProvider);
        assertTrue(byName.get("json") instanceof JsonReporterProvider);
        assertTrue(byName.get("html") instanceof HtmlReporterProvider);
        assertTrue(byName.get("markdown") instanceof MarkdownReporterProvider);
    }
}
