package org.stfusion.reporters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.report.RunResults;

/** Writes the run's results as files once the run has finished; ignores every other event. */
final class JsonReporter extends FilesReporter {
    static final String RESULTS_JSON = "results.json";
    static final String STRATEGIES_CSV = "strategies.csv";
    static final String MARGINALS_CSV = "marginals.csv";

    private static final Logger LOG = LogManager.getLogger(JsonReporter.class);

    private final ResultsJson json;

    JsonReporter(Path runDir, boolean pretty) {
        super(runDir);
        this.json = new ResultsJson(pretty);
    }

    @Override
    void write(RunResults results) throws IOException {
        AtomicFile.write(runDir.resolve(STRATEGIES_CSV), CsvTables.strategies(results).getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(runDir.resolve(MARGINALS_CSV), CsvTables.marginals(results).getBytes(StandardCharsets.UTF_8));
        // Last, so that a results.json on disk means the CSV files beside it are complete too.
        AtomicFile.write(runDir.resolve(RESULTS_JSON), json.write(results));
        LOG.info("wrote {}, {} and {} to {}", RESULTS_JSON, STRATEGIES_CSV, MARGINALS_CSV, runDir);
    }
}
