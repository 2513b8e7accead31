package org.stfusion.api.report;

import java.io.PrintStream;
import java.nio.file.Path;

/** Where a reporter writes: the run directory and the user's terminal. */
public record ReporterContext(Path runDir, PrintStream console) {
}
