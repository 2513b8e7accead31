package org.stfusion.reporters;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;

/** Writes {@code report.html} and {@code fig4.svg} once the run has finished; ignores every other event. */
final class HtmlReporter extends FilesReporter {
    static final String REPORT_HTML = "report.html";
    /** The marginals chart alone, for slides and papers. */
    static final String FIG4_SVG = "fig4.svg";
    /** Where {@code stfusion report RUN1 RUN2 ...} puts the comparison. */
    static final String COMPARISON_HTML = "comparison.html";
    /** The merged configuration core keeps in every run directory. */
    private static final String CONFIG_YAML = "config.yaml";
    /** What {@code stfusion study} writes: Table 2 from scratch and the rank check. */
    private static final String STUDY_JSON = "study.json";

    private static final Logger LOG = LogManager.getLogger(HtmlReporter.class);

    HtmlReporter(Path runDir) {
        super(runDir);
    }

    @Override
    void compare(RunEvent.RunsCompared compared) throws IOException {
        Path out = runDir.resolve(COMPARISON_HTML);
        AtomicFile.write(out, new ComparisonReport(compared.runs(), compared.names()).render().getBytes(StandardCharsets.UTF_8));
        LOG.info("wrote {}", out);
    }

    /** "stfusion: " and the run directory's name. */
    static String title(Path runDir) {
        Path name = runDir.toAbsolutePath().normalize().getFileName();
        return "stfusion: " + (name == null ? "run" : name.toString());
    }

    @Override
    void write(RunResults results) throws IOException {
        Path configFile = runDir.resolve(CONFIG_YAML);
        String config = Files.isRegularFile(configFile) ? Files.readString(configFile, StandardCharsets.UTF_8) : null;
        String title = title(runDir);
        Path studyFile = runDir.resolve(STUDY_JSON);
        @SuppressWarnings("unchecked")
        Map<String, Object> study = Files.isRegularFile(studyFile) ? new ObjectMapper().readValue(studyFile.toFile(), Map.class) : null;
        HtmlReport report = new HtmlReport(results, title, config, study);
        AtomicFile.write(runDir.resolve(FIG4_SVG), report.fig4Svg().getBytes(StandardCharsets.UTF_8));
        Path out = runDir.resolve(REPORT_HTML);
        AtomicFile.write(out, report.render().getBytes(StandardCharsets.UTF_8));
        LOG.info("wrote {} and {}", out, FIG4_SVG);
    }
}
