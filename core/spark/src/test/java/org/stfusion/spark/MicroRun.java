package org.stfusion.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * The tests' micro run: a tiny DenseNet on 64 synthetic training clips, trained and scored in this process, once
 * for all the test classes of a JVM ({@link #trained}); each test works on a copy of it.
 */
final class MicroRun {
    static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().getParent()
            .resolve("examples/synthetic-motion.yaml");
    static final List<String> MICRO = List.of("backbone.preset=tiny", "backbone.initFeatures=8", "backbone.growth=8",
            "backbone.bnSize=2", "backbone.blocks=[2,2]", "dataset.classes=2", "dataset.size=16", "dataset.trainSize=64",
            "dataset.valSize=40", "training.warmupEpochs=1", "training.vdpEpochs=1", "training.lrSteps=[]",
            "training.batchSize=16", "sampling.count=10", "reporters=[json]");

    private MicroRun() {
    }

    private static PluginCatalog plugins;
    private static Path trained;

    /** The built-in plugins, from the test class path. */
    static synchronized PluginCatalog plugins() {
        if (plugins == null) {
            plugins = PluginCatalog.discover(MicroRun.class.getClassLoader(), null);
        }
        return plugins;
    }

    /**
     * The micro run trained and scored in this process, the first time a test asks (a folder deleted when the JVM
     * exits); tests must not change it.
     */
    static synchronized Path trained() throws IOException {
        if (trained == null) {
            Path dir = Files.createTempDirectory("stfusion-micro-run");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
            Path run = dir.resolve("run");
            try (Experiment e = Experiment.open(plugins(), ExperimentConfig.load(EXAMPLE, MICRO), run, quiet())) {
                e.run(false);
            }
            trained = run;
        }
        return trained;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: the system cleans it up eventually
        }
    }

    /** A copy of the run {@code from} in a new folder under {@code parent}, without its lock. */
    static Path copy(Path from, Path parent, String prefix) throws IOException {
        Path copy = Files.createTempDirectory(parent, prefix);
        copyTree(from, copy);
        return copy;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
