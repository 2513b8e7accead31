package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;

/**
 * {@code backbone.inflate}: relative to the experiment file that names it (through {@code extends} too), to the working
 * directory from {@code --set}; absolute once loaded, so a run directory's config names the same file; the partial
 * switch only with a file.
 */
class InflateSettingsTest {
    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, yaml);
    }

    @Test
    void aRelativePathIsRelativeToTheFileThatNamesIt() throws IOException {
        write("base/base.yaml", """
                backbone: {name: densenet3d, inflate: weights/densenet121.safetensors}
                dataset: {name: synthetic}
                """);
        Path child = write("exp/child.yaml", "extends: ../base/base.yaml\nname: child\n");
        ExperimentConfig config = ExperimentConfig.load(child, List.of());
        Path expected = dir.resolve("base/weights/densenet121.safetensors").toAbsolutePath().normalize();
        assertEquals(expected, config.inflate().file());
        assertFalse(config.inflate().partial());
        assertTrue(config.toYaml().contains(expected.toString()), config.toYaml());

        // the saved config (what a run directory keeps) names the same file from anywhere
        Path saved = write("run/config.yaml", config.toYaml());
        assertEquals(expected, ExperimentConfig.load(saved, List.of()).inflate().file());

        // a child naming its own file: relative to the child
        Path own = write("exp/own.yaml", "extends: ../base/base.yaml\nbackbone: {inflate: mine.safetensors, inflatePartial: true}\n");
        ExperimentConfig mine = ExperimentConfig.load(own, List.of());
        assertEquals(dir.resolve("exp/mine.safetensors").toAbsolutePath().normalize(), mine.inflate().file());
        assertTrue(mine.inflate().partial());
    }

    @Test
    void aPathFromSetIsRelativeToTheWorkingDirectory() throws IOException {
        Path file = write("e.yaml", "backbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        ExperimentConfig none = ExperimentConfig.load(file, List.of());
        assertNull(none.inflate().file());
        assertFalse(none.inflate().enabled());
        ExperimentConfig set = ExperimentConfig.load(file, List.of("backbone.inflate=w/d.safetensors"));
        assertEquals(Path.of("w/d.safetensors").toAbsolutePath().normalize(), set.inflate().file());
        assertEquals(Path.of("/abs/d.safetensors"),
                ExperimentConfig.load(file, List.of("backbone.inflate=/abs/d.safetensors")).inflate().file());
    }

    @Test
    void mistakesNameTheKey() throws IOException {
        Path file = write("e.yaml", "backbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.load(file, List.of("backbone.inflatePartial=true")));
        assertEquals("backbone.inflatePartial", e.key());
        e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(file, List.of("backbone.inflate=[a, b]")));
        assertEquals("backbone.inflate", e.key());
        e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.load(file, List.of("backbone.inflate=x", "backbone.inflatePartial=maybe")));
        assertEquals("backbone.inflatePartial", e.key());
    }
}
