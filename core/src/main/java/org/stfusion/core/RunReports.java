package org.stfusion.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.UserException;

/**
 * Reports of finished runs made again from their {@code results.json} alone (no checkpoint, no training, no
 * scoring), one run at a time or several compared. Results written by earlier versions are read as far as they
 * go (fields they lack stay empty).
 */
public final class RunReports {
    public static final String RESULTS_JSON = "results.json";

    private RunReports() {
    }

    /** The results a run directory holds, or a user error naming the file. */
    public static RunResults read(Path runDir) {
        Path file = runDir.resolve(RESULTS_JSON);
        if (!Files.isRegularFile(file)) {
            throw new UserException("no " + RESULTS_JSON + " in " + runDir + ": finish the run first (`stfusion sample "
                    + runDir + "`)");
        }
        try {
            return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(file.toFile(), RunResults.class);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code reporters} on the run's results, each given as its configuration section ({@code name} and its
     * keys, as in an experiment file's {@code reporters:} list); any failure is an error.
     */
    public static void render(PluginCatalog plugins, Path runDir, List<Map<String, Object>> reporters, PrintStream console) {
        RunResults results = read(runDir);
        send(plugins, new ReporterContext(runDir, console), reporters, new RunEvent.RunFinished(results, runDir.toString(), 0));
    }

    /**
     * Sends the results of {@code runDirs} to the reporters named {@code reporters} as one comparison; those that
     * compare runs write into {@code outDir}.
     */
    public static void compare(PluginCatalog plugins, List<Path> runDirs, Path outDir, List<Map<String, Object>> reporters,
                               PrintStream console) {
        List<RunResults> runs = runDirs.stream().map(RunReports::read).toList();
        List<String> names = runDirs.stream().map(d -> {
            Path name = d.toAbsolutePath().normalize().getFileName();
            return name == null ? d.toString() : name.toString();
        }).toList();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UserException("cannot create " + outDir + ": " + e.getMessage(), e);
        }
        send(plugins, new ReporterContext(outDir, console), reporters, new RunEvent.RunsCompared(runs, names));
    }

    /** {@code name} alone, for {@link #render}. */
    public static List<Map<String, Object>> named(List<String> names) {
        return names.stream().map(n -> Map.<String, Object>of("name", n)).toList();
    }

    private static void send(PluginCatalog plugins, ReporterContext context, List<Map<String, Object>> reporters,
                             RunEvent event) {
        Path runDir = context.runDir();
        for (int i = 0; i < reporters.size(); i++) {
            String key = "--reporters[" + i + "]";
            ReporterProvider provider = plugins.reporters().get(key + ".name", String.valueOf(reporters.get(i).get("name")));
            try (Reporter reporter = provider.create(new PluginConfig(key, reporters.get(i)), context)) {
                reporter.onEvent(event);
            } catch (UserException | ConfigException e) {
                throw e;
            } catch (IOException e) {
                throw new OutputException("reporter '" + provider.name() + "' failed on " + runDir + ": " + e.getMessage(), e);
            } catch (Exception e) {
                throw new UserException("reporter '" + provider.name() + "' failed on " + runDir + ": " + e, e);
            }
        }
    }
}
