package org.stfusion.core.execution;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;

/**
 * The jobs submitted from this JVM, with their plugins: a task that runs here (Spark's {@code local}
 * masters) uses the submitter's very plugins; one elsewhere discovers them from the job's plugins folder.
 */
public final class RunJobs {
    private static final Map<String, PluginCatalog> SUBMITTED = new ConcurrentHashMap<>();
    private static final java.util.List<java.util.function.Consumer<String>> ON_FORGET =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private RunJobs() {
    }

    /** A job over {@code runDir} as {@code config} says; {@link #forget} it when its command ends. */
    public static RunJob submit(Path runDir, ExperimentConfig config, PluginCatalog plugins) {
        RunJob job = new RunJob(UUID.randomUUID().toString(), runDir.toAbsolutePath().toString(),
                config.toYaml(), plugins.pluginsDir() == null ? null : plugins.pluginsDir().toAbsolutePath().toString());
        SUBMITTED.put(job.id(), plugins);
        return job;
    }

    /** The job's command has ended: what this JVM keeps for it goes. */
    public static void forget(RunJob job) {
        SUBMITTED.remove(job.id());
        ON_FORGET.forEach(listener -> listener.accept(job.id()));
    }

    /** Hears the id of every job {@link #forget forgotten} from now on. */
    public static void onForget(java.util.function.Consumer<String> listener) {
        ON_FORGET.add(listener);
    }

    /** The submitting command's configuration, as a task reads it. */
    public static ExperimentConfig config(RunJob job) {
        return ExperimentConfig.ofYaml("the configuration of the command that submitted job " + job.id(), job.config());
    }

    /** The job's plugins: the submitter's in its own JVM, else those of its plugins folder. */
    public static PluginCatalog plugins(RunJob job, ClassLoader loader) {
        PluginCatalog plugins = SUBMITTED.get(job.id());
        return plugins != null ? plugins
                : PluginCatalog.discover(loader, job.pluginsDir() == null ? null : Path.of(job.pluginsDir()));
    }
}
