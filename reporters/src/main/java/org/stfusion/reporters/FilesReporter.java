package org.stfusion.reporters;

import java.io.IOException;
import java.nio.file.Path;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;

/**
 * A reporter that writes files into the run directory once the run has finished (and, if it can, a comparison of
 * finished runs), and ignores every other event.
 */
abstract class FilesReporter implements Reporter {
    final Path runDir;

    FilesReporter(Path runDir) {
        this.runDir = runDir;
    }

    @Override
    public final void onEvent(RunEvent event) throws IOException {
        if (event instanceof RunEvent.RunFinished finished) {
            write(finished.results());
        } else if (event instanceof RunEvent.RunsCompared compared) {
            compare(compared);
        }
    }

    /** Writes a comparison of several runs; by default this reporter has none. */
    void compare(RunEvent.RunsCompared runs) throws IOException {
    }

    /** Holds nothing open between events; narrows {@code throws Exception} for callers. */
    @Override
    public void close() {
    }

    abstract void write(RunResults results) throws IOException;
}
