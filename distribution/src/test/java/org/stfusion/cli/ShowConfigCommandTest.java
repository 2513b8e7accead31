package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.cli.StfusionCliTest.run;
import static org.stfusion.cli.StfusionCliTest.userError;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.cli.StfusionCliTest.Result;

/** {@code stfusion config}: the merged, checked configuration as YAML; mistakes as one line with exit code 2. */
class ShowConfigCommandTest {
    @TempDir
    Path dir;

    private Path childOfBase() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), """
                name: base
                backbone: {name: densenet3d, preset: tiny}
                dataset: {name: synthetic, task: motion, classes: 4}
                training: {lr: 0.05, vdpEpochs: 16}
                """);
        return Files.writeString(dir.resolve("child.yaml"), """
                extends: base.yaml
                name: child
                dataset: {classes: 2}
                training: {vdpEpochs: 4}
                """);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String text) throws Exception {
        return new YAMLMapper().readValue(text, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> tree, String name) {
        return (Map<String, Object>) tree.get(name);
    }

    @Test
    void printsTheMergedConfigurationWithCoreDefaults() throws Exception {
        Result r = run("config", childOfBase().toString(), "--set", "training.lr=0.2");

        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err());
        Map<String, Object> tree = yaml(r.out());
        assertFalse(tree.containsKey("extends"), r.out());
        assertEquals("child", tree.get("name"));
        assertEquals(Map.of("name", "synthetic", "task", "motion", "classes", 2), section(tree, "dataset"));
        Map<String, Object> training = section(tree, "training");
        assertEquals(0.2, training.get("lr"), "--set over the files");
        assertEquals(4, training.get("vdpEpochs"), "the child over its base");
        assertEquals(4, training.get("warmupEpochs"), "a default made explicit");
        assertEquals(2, section(tree, "data").get("workers"), "a section absent from the files, with its defaults");
        assertEquals(List.of("console", "json", "html"), tree.get("reporters"));
    }

    @Test
    void withoutDefaultsItPrintsWhatARunDirectorySaves() throws Exception {
        Result r = run("config", childOfBase().toString(), "--no-defaults");

        assertEquals(0, r.code(), r.toString());
        Map<String, Object> tree = yaml(r.out());
        assertEquals(Map.of("lr", 0.05, "vdpEpochs", 4), section(tree, "training"));
        assertFalse(tree.containsKey("data"), r.out());
    }

    @Test
    void theExampleInTheHelpWorks() {
        String last = run("config", "--help").out().strip().lines().reduce((a, b) -> b).orElseThrow();
        String example = last.substring("Example: stfusion ".length());
        Path repository = Path.of("").toAbsolutePath().getParent();
        String[] args = example.replace("examples/", repository.resolve("examples") + "/").split("\\s+");

        Result r = run(args);

        assertEquals(0, r.code(), example + ": " + r);
        assertTrue(r.out().contains("name: \"synthetic-appearance\""), r.out());
    }

    @Test
    void anUnknownKeyIsOneLineWithExitCode2() throws Exception {
        String msg = userError(run("config", childOfBase().toString(), "--set", "training.lrr=0.1"));

        assertTrue(msg.startsWith("stfusion: training.lrr: unknown key"), msg);
    }

    @Test
    void anUnknownPluginIsOneLineWithExitCode2() throws Exception {
        String msg = userError(run("config", childOfBase().toString(), "--set", "backbone.name=resnet9"));

        assertTrue(msg.startsWith("stfusion: backbone.name: unknown backbone 'resnet9'; available: "), msg);
    }

    @Test
    void aMissingBaseIsOneLineNamingItAndTheFileThatNamedIt() throws Exception {
        Path child = Files.writeString(dir.resolve("child.yaml"), "extends: gone.yaml\nname: child\n");

        String msg = userError(run("config", child.toString()));

        assertEquals("stfusion: extends: " + dir.resolve("gone.yaml") + ", named by " + child + ", does not exist", msg);
    }
}
