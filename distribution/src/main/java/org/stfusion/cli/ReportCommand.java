package org.stfusion.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stfusion.core.RunReports;
import org.stfusion.core.config.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stfusion report RUNDIR}: the reports of a finished run again, from its results.json alone; with several
 * run directories, their marginals compared on one page.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Render the reports of a finished run again from its results.json (no training, no scoring), "
                + "e.g. the HTML report of a run made without it.",
                "With several run directories: comparison.html, every unit's marginals per position with a bar per run."},
        footer = {"", "Example: stfusion report runs/my-run --format png"})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Parameters(arity = "1..*", paramLabel = "RUNDIR", description = "Run directories holding results.json.")
    List<Path> runDirs;

    @Option(names = "--reporters", split = ",", paramLabel = "NAME",
            description = "Reporters to run (default: the run's own, from its config.yaml, and html; html alone for "
                    + "several runs). See 'stfusion plugins'.")
    List<String> reporters;

    @Option(names = "--format", paramLabel = "svg|png",
            description = "Also export the marginals chart alone as fig4.svg or fig4.png (the fig4 reporter).")
    String format;

    @Option(names = "--out", paramLabel = "DIR",
            description = "With several run directories: where the comparison goes (default: the current directory).")
    Path out = Path.of(".");

    @Override
    public Integer call() {
        List<Map<String, Object>> sections = new ArrayList<>(reporters != null ? RunReports.named(reporters)
                : runDirs.size() == 1 ? runReporters(runDirs.get(0)) : RunReports.named(List.of("html")));
        if (format != null) {
            sections.add(Map.of("name", "fig4", "format", format));
        }
        if (runDirs.size() == 1) {
            RunReports.render(cli.plugins(), runDirs.get(0), sections, cli.out);
            cli.out.println("Reports: " + sections.stream().map(s -> s.get("name")).toList() + " in " + runDirs.get(0));
        } else {
            RunReports.compare(cli.plugins(), runDirs, out, sections, cli.out);
            cli.out.println("Comparison of " + runDirs.size() + " runs: " + out.resolve("comparison.html"));
        }
        return StfusionCli.EXIT_OK;
    }

    /** The reporters the run was made with, as its config.yaml lists them, and html (runs made before it existed). */
    private static List<Map<String, Object>> runReporters(Path runDir) {
        List<Map<String, Object>> sections = new ArrayList<>();
        if (Files.isRegularFile(runDir.resolve(ExperimentConfig.FILE_NAME))) {
            ExperimentConfig.loadRunDir(runDir).reporters().forEach(r -> sections.add(r.asMap()));
        }
        if (sections.stream().noneMatch(r -> "html".equals(r.get("name")))) {
            sections.addAll(RunReports.named(List.of("html")));
        }
        return sections;
    }
}
