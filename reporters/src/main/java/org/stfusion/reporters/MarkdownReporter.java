package org.stfusion.reporters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.report.RunResults;

/** Writes {@code summary.md} and the chart it shows, {@code fig4.svg}, once the run has finished. */
final class MarkdownReporter extends FilesReporter {
    static final String SUMMARY_MD = "summary.md";

    private static final Logger LOG = LogManager.getLogger(MarkdownReporter.class);

    MarkdownReporter(Path runDir) {
        super(runDir);
    }

    @Override
    void write(RunResults results) throws IOException {
        String title = HtmlReporter.title(runDir);
        AtomicFile.write(runDir.resolve(HtmlReporter.FIG4_SVG),
                new HtmlReport(results, title, null, null).fig4Svg().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(runDir.resolve(SUMMARY_MD),
                MarkdownSummary.render(results, title, HtmlReporter.FIG4_SVG).getBytes(StandardCharsets.UTF_8));
        LOG.info("wrote {} and {} to {}", SUMMARY_MD, HtmlReporter.FIG4_SVG, runDir);
    }
}
