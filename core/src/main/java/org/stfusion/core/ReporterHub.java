package org.stfusion.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.RunEvent;
import org.stfusion.core.run.OutputException;

/**
 * Routes run events to every reporter. A reporter that throws is logged once and muted; the run and the
 * other reporters go on, and {@link #requireNoFailure} makes the command fail at the end, naming the cause.
 */
final class ReporterHub implements Consumer<RunEvent>, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ReporterHub.class);

    private record Entry(String name, Reporter reporter) {
    }

    private final List<Entry> reporters = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final java.util.Map<String, String> causes = new java.util.LinkedHashMap<>();

    void add(String name, Reporter reporter) {
        reporters.add(new Entry(name, reporter));
    }

    @Override
    public void accept(RunEvent event) {
        for (Entry e : reporters) {
            if (failed.contains(e.name())) {
                continue;
            }
            try {
                e.reporter().onEvent(event);
            } catch (Exception | LinkageError ex) {
                failed.add(e.name());
                causes.put(e.name(), ex.getMessage() == null ? ex.toString() : ex.getMessage());
                LOG.error("reporter '{}' failed on {} and is switched off for this run: {}", e.name(),
                        event.getClass().getSimpleName(), ex.toString(), ex);
            }
        }
    }

    /** Names of reporters switched off after a failure. */
    List<String> failed() {
        return List.copyOf(failed);
    }

    /**
     * Throws if a reporter failed: the files the user asked for are not all there (e.g. a full disk). What was
     * saved before ({@code saved}) stays valid, and the message says how to write the reports again.
     */
    void requireNoFailure(Path runDir, Path saved) {
        if (causes.isEmpty()) {
            return;
        }
        var first = causes.entrySet().iterator().next();
        throw new OutputException("reporter '" + first.getKey() + "' failed: " + first.getValue()
                + (causes.size() > 1 ? " (and " + (causes.size() - 1) + " more reporters)" : "") + "; the scores are safe in "
                + saved + ": once fixed, `stfusion analyze " + runDir + "` writes the reports again", null);
    }

    @Override
    public void close() {
        for (Entry e : reporters) {
            try {
                e.reporter().close();
            } catch (Exception ex) {
                LOG.warn("reporter '{}' failed to close: {}", e.name(), ex.toString());
            }
        }
    }
}
