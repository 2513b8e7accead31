package org.stfusion.cli;

import org.stfusion.core.Experiment;
import picocli.CommandLine.Command;

/** {@code stfusion analyze RUNDIR}: marginal analysis and reports from a finished run. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Compute the marginals of a trained run directory again, join its saved scores and rewrite the reports.",
        footer = {"", "Example: stfusion analyze runs/my-run"})
final class AnalyzeCommand extends RunDirCommand {
    @Override
    String execute(Experiment experiment) {
        experiment.analyze();
        return resultsLine(runDir);
    }
}
