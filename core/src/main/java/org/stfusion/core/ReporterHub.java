package org.stfusion.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.RunEvent;

/**
 * Routes run events to every reporter. A reporter that throws is logged once and muted; the run and the
 * other reporters go on.
 */
final class ReporterHub implements Consumer<RunEvent>, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ReporterHub.class);

    private record Entry(String name, Reporter reporter) {
    }

    private final List<Entry> reporters = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

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
                LOG.error("reporter '{}' failed on {} and is switched off for this run: {}", e.name(),
                        event.getClass().getSimpleName(), ex.toString(), ex);
            }
        }
    }

    /** Names of reporters switched off after a failure. */
    List<String> failed() {
        return List.copyOf(failed);
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
