package org.stfusion.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

class SyntheticDatasetProviderTest {
    private static final Pattern PROVIDES = Pattern.compile("provides\\s+([\\w.]+)\\s+with\\s+([\\w.,\\s]+?);");

    @Test
    void serviceLoaderFindsSyntheticOnTheClassPath() {
        List<String> names = ServiceLoader.load(DatasetProvider.class).stream()
                .map(provider -> provider.get().name())
                .toList();
        assertTrue(names.contains("synthetic"), "providers found: " + names);
    }

    @Test
    void moduleInfoProvidesAgreeWithServiceFiles() throws IOException {
        String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
        Map<String, Set<String>> provides = new TreeMap<>();
        Matcher m = PROVIDES.matcher(moduleInfo);
        while (m.find()) {
            provides.computeIfAbsent(m.group(1), k -> new TreeSet<>())
                    .addAll(List.of(m.group(2).trim().split("\\s*,\\s*")));
        }
        Map<String, Set<String>> services = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/META-INF/services"))) {
            for (Path file : files.toList()) {
                Set<String> impls = Files.readAllLines(file).stream()
                        .map(line -> line.replaceFirst("#.*", "").trim())
                        .filter(line -> !line.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new));
                services.put(file.getFileName().toString(), impls);
            }
        }
        assertFalse(provides.isEmpty(), "no provides clause found in module-info.java");
        assertEquals(provides, services);
    }

    @Test
    void defaultsGiveTwoMotionClassesOfEightFramesAt32px() {
        Dataset dataset = TestDatasets.open(Map.of());
        assertEquals(new InputSpec(3, 8, 32, 32, 2), dataset.inputSpec());
        assertEquals(List.of("right", "left"), dataset.classNames());
        assertEquals(800, dataset.size(Split.TRAIN));
        assertEquals(200, dataset.size(Split.VALIDATION));
    }

    @Test
    void readsEveryKeyAndAcceptsName() {
        Map<String, Object> values = new HashMap<>();
        values.put("name", "synthetic");
        values.put("task", "motion");
        values.put("classes", 4);
        values.put("frames", 16);
        values.put("size", 16);
        values.put("trainSize", 40);
        values.put("valSize", 12);
        values.put("seed", 7L);
        values.put("noise", 0.1);
        values.put("objectSizeMin", 2);
        values.put("objectSizeMax", 4);
        values.put("speedMin", 2);
        values.put("speedMax", 3);
        values.put("distractors", 2);
        Dataset dataset = TestDatasets.open(values);
        assertEquals(new InputSpec(3, 16, 16, 16, 4), dataset.inputSpec());
        assertEquals(List.of("right", "left", "down", "up"), dataset.classNames());
        assertEquals(40, dataset.size(Split.TRAIN));
        assertEquals(12, dataset.size(Split.VALIDATION));
    }

    @Test
    void appearanceHasDescriptiveClassNames() {
        Dataset dataset = TestDatasets.open(Map.of("task", "appearance", "classes", 8));
        assertEquals(List.of("red-square", "green-plus", "blue-hollow-square", "red-x", "green-square", "blue-plus",
                "red-hollow-square", "green-x"), dataset.classNames());
    }

    @Test
    void unknownKeyIsNamed() {
        assertKeyError("dataset.clases", Map.of("clases", 4));
    }

    @Test
    void motionWithThreeClassesNamesTheKeyAndTheAllowedValues() {
        ConfigException e = assertKeyError("dataset.classes", Map.of("classes", 3));
        assertTrue(e.getMessage().contains("2 (right, left) or 4 (right, left, down, up)"), e.getMessage());
    }

    @Test
    void appearanceAllowsAtMostEightClasses() {
        assertKeyError("dataset.classes", Map.of("task", "appearance", "classes", 9));
    }

    @Test
    void objectSizeMinAboveMaxIsRejected() {
        ConfigException e = assertKeyError("dataset.objectSizeMin", Map.of("objectSizeMin", 5, "objectSizeMax", 4));
        assertTrue(e.getMessage().contains("dataset.objectSizeMax"), e.getMessage());
    }

    @Test
    void speedMinAboveMaxIsRejected() {
        assertKeyError("dataset.speedMin", Map.of("speedMin", 3, "speedMax", 2));
    }

    @Test
    void speedOfHalfTheSizeIsRejectedBecauseItsDirectionIsAmbiguous() {
        ConfigException e = assertKeyError("dataset.speedMax", Map.of("size", 8, "speedMax", 4));
        assertTrue(e.getMessage().contains("size / 2"), e.getMessage());
    }

    @Test
    void appearanceShapesNeedThreePixels() {
        assertKeyError("dataset.objectSizeMin", Map.of("task", "appearance", "objectSizeMin", 2));
    }

    @Test
    void unknownTaskAndOutOfRangeValuesAreNamed() {
        assertKeyError("dataset.task", Map.of("task", "colour"));
        assertKeyError("dataset.frames", Map.of("frames", 1));
        assertKeyError("dataset.noise", Map.of("noise", 1.5));
        assertKeyError("dataset.distractors", Map.of("distractors", 9));
        assertKeyError("dataset.objectSizeMax", Map.of("size", 8, "objectSizeMax", 8));
    }

    private static ConfigException assertKeyError(String key, Map<String, ?> values) {
        ConfigException e = assertThrows(ConfigException.class, () -> TestDatasets.open(values));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
        return e;
    }
}
