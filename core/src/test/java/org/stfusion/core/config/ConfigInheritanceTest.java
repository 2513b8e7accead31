package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;
import org.stfusion.core.run.RunDirectory;

/** {@code extends: base.yaml}: chains, merge order, refused cycles and missing files, the saved run config. */
class ConfigInheritanceTest {
    private static final String BASE = """
            name: base
            backbone: {name: densenet3d, preset: tiny, blocks: [2, 2, 2]}
            dataset: {name: synthetic, task: motion, classes: 4, frames: 8}
            training: {batchSize: 16, lr: 0.05, lrSteps: [13], vdpEpochs: 16}
            sampling: {count: 100, seed: 7}
            """;

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, yaml);
    }

    /** base <- middle (in a sub-folder, naming its base relatively) <- child. */
    private Path chainOfThree() throws IOException {
        write("base.yaml", BASE);
        write("variants/middle.yaml", """
                extends: ../base.yaml
                name: middle
                dataset: {task: appearance}
                training: {lr: 0.1, lrSteps: [5, 10]}
                """);
        return write("variants/child.yaml", """
                extends: middle.yaml
                name: child
                backbone: {blocks: [1, 1]}
                training: {lrSteps: [], vdpEpochs: 4}
                """);
    }

    @Test
    void aChainOfThreeFilesMergesSectionsKeyByKeyAndReplacesListsAndValues() throws IOException {
        ExperimentConfig config = ExperimentConfig.load(chainOfThree(), List.of());

        assertEquals("child", config.name());
        assertEquals(Map.of("name", "densenet3d", "preset", "tiny", "blocks", List.of(1, 1)), config.backbone().asMap());
        assertEquals(Map.of("name", "synthetic", "task", "appearance", "classes", 4, "frames", 8), config.dataset().asMap());
        assertEquals(16, config.training().batchSize(), "from base");
        assertEquals(0.1, config.training().lr(), "from middle");
        assertEquals(List.of(), config.training().lrSteps(), "the child's list replaces the middle's");
        assertEquals(4, config.training().vdpEpochs(), "from child");
        assertEquals(7, config.sampling().seed(), "from base");
        assertFalse(config.tree().containsKey("extends"), "extends is not a key of the merged configuration");
    }

    @Test
    void childWinsOverParentAndSetWinsOverBoth() throws IOException {
        Path child = chainOfThree();

        ExperimentConfig config = ExperimentConfig.load(child, List.of("training.lr=0.2", "name=from-set",
                "dataset.classes=2", "training.batchSize=8"));

        assertEquals(0.2, config.training().lr(), "--set over middle's 0.1 over base's 0.05");
        assertEquals("from-set", config.name());
        assertEquals(2, config.dataset().asMap().get("classes"));
        assertEquals(8, config.training().batchSize());
        assertEquals(4, config.training().vdpEpochs(), "the child's value where --set says nothing");
    }

    @Test
    void extendsCannotBeSetFromTheCommandLine() throws IOException {
        Path child = chainOfThree();

        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.load(child, List.of("extends=other.yaml")));
        assertEquals("extends", e.key());
    }

    @Test
    void aCycleIsRefusedNamingTheFilesInIt() throws IOException {
        Path a = write("a.yaml", "extends: b.yaml\nname: a\n");
        write("b.yaml", "extends: sub/c.yaml\nname: b\n");
        write("sub/c.yaml", "extends: ../b.yaml\nname: c\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(a, List.of()));

        assertEquals("extends", e.key());
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("b.yaml") + " extends " + dir.resolve("sub/c.yaml") + " extends "
                + dir.resolve("b.yaml")), e.getMessage());
        assertFalse(e.getMessage().contains(a.toString()), "a.yaml is not part of the cycle: " + e.getMessage());
    }

    @Test
    void aFileExtendingItselfIsACycle() throws IOException {
        Path self = write("self.yaml", "extends: ./self.yaml\nname: self\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(self, List.of()));

        assertTrue(e.getMessage().contains("cycle: " + self + " extends " + self), e.getMessage());
    }

    @Test
    void aMissingBaseIsRefusedNamingItAndTheFileThatNamedIt() throws IOException {
        write("base.yaml", "extends: gone.yaml\n" + BASE);
        Path child = write("child.yaml", "extends: base.yaml\nname: child\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(child, List.of()));

        assertEquals("extends", e.key());
        assertEquals("extends: " + dir.resolve("gone.yaml") + ", named by " + dir.resolve("base.yaml")
                + ", does not exist", e.getMessage());
    }

    @Test
    void extendsMustNameOneFile() throws IOException {
        Path child = write("child.yaml", "extends: [a.yaml, b.yaml]\n" + BASE);

        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(child, List.of()));

        assertTrue(e.getMessage().startsWith("extends: " + child + ": expected the name of one experiment file"),
                e.getMessage());
    }

    @Test
    void unknownKeysAreStillRefusedAfterMerging() throws IOException {
        write("base.yaml", BASE);
        Path child = write("child.yaml", "extends: base.yaml\ntraining: {lrr: 0.1}\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(child, List.of()));

        assertEquals("training.lrr", e.key());
    }

    @Test
    void theRunDirectorySavesTheMergedConfiguration() throws IOException {
        ExperimentConfig config = ExperimentConfig.load(chainOfThree(), List.of("sampling.count=3"));
        Path runDir = dir.resolve("run");

        new RunDirectory(runDir).prepare(config);

        String saved = Files.readString(runDir.resolve(ExperimentConfig.FILE_NAME));
        assertFalse(saved.contains("extends"), saved);
        ExperimentConfig reloaded = ExperimentConfig.loadRunDir(runDir);
        assertEquals(config.tree(), reloaded.tree(), "self-contained: the same tree without the base files");
        assertEquals(3, reloaded.sampling().count());
        assertEquals("appearance", reloaded.dataset().asMap().get("task"));
    }
}
