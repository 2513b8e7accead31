package org.stfusion.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.core.RunReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code stfusion report RUNDIR}: the reports of a finished run again, from its results.json alone. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render the reports of a finished run again from its results.json (no training, no scoring), "
                + "e.g. the HTML report of a run made without it.",
        footer = {"", "Example: stfusion report runs/my-run --reporters html,json"})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Parameters(index = "0", paramLabel = "RUNDIR", description = "Run directory holding results.json.")
    Path runDir;

    @Option(names = "--reporters", split = ",", paramLabel = "NAME",
            description = "Reporters to run (default: html). See 'stfusion plugins'.")
    List<String> reporters = List.of("html");

    @Override
    public Integer call() {
        RunReports.render(cli.plugins(), runDir, reporters, cli.out);
        cli.out.println("Reports: " + reporters + " in " + runDir);
        return StfusionCli.EXIT_OK;
    }
}
