package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn -Pcuda} swaps ND4J's CPU backend for CUDA 11.6 in every module. Resolves the dependency graph of
 * the whole build with the profile on (POMs only: the natives, 600 MB and more, are not downloaded) and checks
 * that the distribution gets the CUDA natives and nothing of the CPU backend. Offline with the POMs cached, or
 * online; skipped when neither works (no network and a cold cache).
 */
class CudaProfileTest {

    @Test
    void theCudaProfileReplacesTheCpuBackendEverywhere(@TempDir Path dir) throws Exception {
        Path tree = dir.resolve("tree.txt");
        String offline = resolve(tree, true);
        String failure = offline == null ? null : resolve(tree, false);
        Assumptions.assumeTrue(failure == null, () -> "could not resolve the cuda profile's POMs (offline?):\n" + failure);

        String distribution = section(Files.readAllLines(tree), "org.stfusion:stfusion-distribution:");
        assertTrue(distribution.contains("org.nd4j:nd4j-cuda-11.6:jar:1.0.0-M2.1:compile"), distribution);
        assertTrue(distribution.contains("org.nd4j:nd4j-cuda-11.6:jar:linux-x86_64:1.0.0-M2.1:compile"), distribution);
        assertFalse(distribution.contains("org.nd4j:nd4j-native:"), distribution);
    }

    @Test
    void theDefaultBuildIsTheCpuBackendWithOneDnn(@TempDir Path dir) throws Exception {
        Path tree = dir.resolve("tree.txt");
        String output = resolve(tree, true, "-Pcpu");
        assertEquals(null, output);
        String core = section(Files.readAllLines(tree), "org.stfusion:stfusion-core:");
        assertTrue(core.contains("org.nd4j:nd4j-native:jar:linux-x86_64-onednn:1.0.0-M2.1:compile"), core);
        assertFalse(core.contains("nd4j-cuda"), core);
    }

    /** Runs {@code dependency:tree} over the build; null on success, else Maven's output. */
    private static String resolve(Path tree, boolean offline, String... profile) throws IOException, InterruptedException {
        Path root = ProvidesConsistencyTest.repoRoot();
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-q"));
        if (offline) {
            command.add("-o");
        }
        command.add(profile.length > 0 ? profile[0] : "-Pcuda");
        command.addAll(List.of("-pl", "distribution", "-am", "dependency:tree",
                "-DoutputFile=" + tree, "-DappendOutput=true"));
        Files.deleteIfExists(tree);
        Path log = tree.resolveSibling("maven.log");
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : Files.readString(log);
    }

    /** The tree of one module in a file holding the trees of several, one after another. */
    private static String section(List<String> lines, String module) {
        StringBuilder b = new StringBuilder();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("org.stfusion:")) {
                in = line.startsWith(module);
            }
            if (in) {
                b.append(line).append('\n');
            }
        }
        assertFalse(b.isEmpty(), "no tree for " + module);
        return b.toString();
    }
}
