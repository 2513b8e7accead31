package org.stfusion.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.stfusion.api.config.ConfigException;
import org.stfusion.core.config.ExecutionSettings;
import org.stfusion.core.execution.Cluster;
import org.stfusion.core.execution.ScoringBackend;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.TrainingBackend;

/**
 * A Spark context for one command. Submitted by {@code spark-submit}, it joins the context that submission made;
 * otherwise it starts one with {@code execution.master} (for {@code local[N]}, Spark inside this process).
 */
final class SparkCluster implements Cluster {
    private static final Logger LOG = LogManager.getLogger(SparkCluster.class);

    private final JavaSparkContext context;
    private final ExecutionSettings settings;
    private final String version;

    private SparkCluster(JavaSparkContext context, ExecutionSettings settings, String version) {
        this.context = context;
        this.settings = settings;
        this.version = version;
    }

    static SparkCluster connect(ExecutionSettings settings, String version) {
        SparkConf conf = new SparkConf(true).setAppName("stfusion");
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.master()); // spark-submit's --master wins over the config
        }
        if (conf.get("spark.master").startsWith("local")) {
            // inside this process: no web UI port to claim, and the driver on the loopback interface
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        for (Map.Entry<String, String> e : settings.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        String home = System.getenv("STFUSION_HOME");
        if (!conf.get("spark.master").startsWith("local") && !conf.contains("spark.jars") && home != null) {
            // executors of a cluster that has Spark but not stfusion fetch this installation's jars from the driver
            List<Path> jars = installationJars(Path.of(home));
            conf.set("spark.jars", String.join(",", jars.stream().map(p -> p.toAbsolutePath().toString()).toList()));
            LOG.info("executors get {} jars of {} (spark.jars)", jars.size(), home);
        }
        LOG.info("starting Spark {} on {}", version, conf.get("spark.master"));
        try {
            return new SparkCluster(JavaSparkContext.fromSparkContext(org.apache.spark.SparkContext.getOrCreate(conf)),
                    settings, version);
        } catch (Exception e) { // Scala throws SparkException, a checked exception, unchecked
            // a setting Spark refuses, or a master it cannot join: the user's to fix, named by its section
            LOG.debug("Spark did not start", e);
            throw new ConfigException(ExecutionSettings.SECTION, "Spark " + version + " could not start on "
                    + conf.get("spark.master") + ": " + oneLine(e));
        }
    }

    /** The innermost message of {@code e}, on one line. */
    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.lines().findFirst().orElse("").strip();
    }

    /** Jars every Spark installation has itself: not shipped to executors. */
    private static final Pattern SPARK_PROVIDED = Pattern.compile("(spark|scala|hadoop-client|rocksdbjni)-.*\\.jar");

    /** The jars of an stfusion installation (its modules, libraries and plugins) that executors need. */
    static List<Path> installationJars(Path home) {
        List<Path> jars = new ArrayList<>();
        for (String dir : List.of("lib/modules", "lib/classpath", "plugins")) {
            Path folder = home.resolve(dir);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                        .filter(f -> !SPARK_PROVIDED.matcher(f.getFileName().toString()).matches())
                        .sorted().forEach(jars::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
            }
        }
        return jars;
    }

    /** How many tasks a scoring round is split into. */
    int partitions() {
        return settings.partitions() > 0 ? settings.partitions() : context.defaultParallelism();
    }

    JavaSparkContext context() {
        return context;
    }

    @Override
    public ScoringBackend scoring(RunJob job, org.stfusion.core.train.ModelState trained) {
        return new SparkScoring(this, job, context.broadcast(trained));
    }

    @Override
    public org.stfusion.core.train.DataParallel.RoundRunner dataParallel(RunJob job) {
        return new SparkDataParallel(this, job);
    }

    @Override
    public TrainingBackend training(RunJob job) {
        return new SparkTraining(this, job);
    }

    @Override
    public org.stfusion.core.execution.Retrained retrain(RunJob job, org.stfusion.core.execution.RetrainRequest request,
                                                         org.stfusion.core.train.ModelState trained) {
        var state = context.broadcast(trained);
        try {
            return context.parallelize(List.of(request), 1).map(new RetrainOne(job, state)).collect().get(0);
        } catch (Exception e) { // Scala throws SparkException, a checked exception, unchecked
            throw new org.stfusion.core.run.UserException("retraining on " + describe() + " failed after Spark's "
                    + "retries: " + oneLine(e) + " (details in run.log); nothing was recorded");
        } finally {
            state.destroy();
        }
    }

    @Override
    public String describe() {
        return "Spark " + version + " on " + context.master() + " (" + partitions() + " tasks a round, default parallelism "
                + context.defaultParallelism() + ")";
    }

    @Override
    public void close() {
        context.stop();
    }
}
