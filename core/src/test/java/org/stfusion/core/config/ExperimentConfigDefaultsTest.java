package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExperimentConfig#toYamlWithDefaults()}: core's defaults made explicit, given values kept as given. */
class ExperimentConfigDefaultsTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> tree, String name) {
        return (Map<String, Object>) tree.get(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyKeyCoreReadsIsShownWithItsValue() throws IOException {
        Path file = Files.writeString(dir.resolve("c.yaml"), """
                backbone: {name: densenet3d, growth: 8}
                dataset: {name: synthetic}
                training: {vdpEpochs: 4, lr: 0.1}
                """);
        ExperimentConfig config = ExperimentConfig.load(file, List.of("sampling.count=3"));

        Map<String, Object> tree = new YAMLMapper().readValue(config.toYamlWithDefaults(), Map.class);

        assertEquals("experiment", tree.get("name"));
        assertEquals(1, tree.get("seed"));
        assertEquals("auto", tree.get("engine"));
        assertEquals(Map.of("name", "densenet3d", "growth", 8), section(tree, "backbone"), "a plugin section as given");
        assertEquals(List.of("spatial", "temporal"), section(tree, "fusion").get("paths"));
        Map<String, Object> training = section(tree, "training");
        assertEquals(4, training.get("vdpEpochs"), "given");
        assertEquals(4, training.get("warmupEpochs"), "default");
        assertEquals(0.1, training.get("warmupLr"), "a default that follows another key, resolved");
        assertEquals("code", training.get("regulariser"));
        assertEquals(List.of(), training.get("lrSteps"));
        assertEquals(3, section(tree, "sampling").get("count"), "from --set");
        assertEquals(SamplingSettings.DEFAULT_BN_RECALIBRATION, section(tree, "sampling").get("bnRecalibration"));
        assertEquals(Map.of("workers", 2, "prefetch", 2, "maxBadFraction", 0.05), section(tree, "data"));
        assertEquals(8, section(tree, "study").get("epochs"), "the template's budget: warm-up + v-DropPath epochs");
        assertEquals(List.of("console", "json", "html"), tree.get("reporters"));
    }

    @Test
    void theSavedFormHoldsOnlyWhatWasGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("c.yaml"), "backbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        ExperimentConfig config = ExperimentConfig.load(file, List.of());

        config.toYamlWithDefaults();

        assertFalse(config.toYaml().contains("warmupEpochs"), config.toYaml());
        assertNull(config.tree().get("training"));
    }
}
