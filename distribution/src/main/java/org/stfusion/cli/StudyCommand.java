package org.stfusion.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.stfusion.core.Experiment;
import org.stfusion.core.RunReports;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.study.StudyResults;
import picocli.CommandLine.Command;

/**
 * {@code stfusion study CONFIG}: the experiment, then the paper's S / ST / S+ST / Opt table, each network trained
 * alone from the template's start (random weights, or backbone.inflate's ImageNet weights).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Run the experiment, then train all-S, all-ST, all-S+ST and Opt alone with the same budget and the "
                + "template's start (from scratch, or backbone.inflate) and compare them (the paper's Table 2); "
                + "study.rankCheck=M also trains M sampled strategies spread over the template's ranking and measures "
                + "Kendall's tau between both rankings.",
        footer = {"", "Example: stfusion study examples/synthetic-motion.yaml --set study.rankCheck=5"})
final class StudyCommand extends ConfigCommand {
    @Override
    void execute(Experiment experiment, Path runDir) {
        StudyResults study = experiment.study().run(experiment.run(resume), resume);
        cli.out.println();
        cli.out.printf("trained %s, %d epochs each%n", study.start() == null ? "from scratch" : study.start(),
                study.epochs());
        cli.out.printf("%-6s %12s %10s %9s %14s%n", "net", "params", "GMACs", "top-1", "template top-1");
        for (StudyResults.Row r : study.rows()) {
            cli.out.printf("%-6s %,12d %10.4f %8.1f%% %13.1f%%%n", r.name(), r.parameters(), r.macsPerClip() / 1e9,
                    100 * r.top1(), 100 * r.templateTop1());
        }
        if (study.rankCorrelation() != null) {
            cli.out.printf("Kendall's tau-b, template vs standalone top-1 over %d sampled strategies (95%% bootstrap "
                    + "interval):%n", study.rankCheck().size());
            study.rankCorrelation().forEach((protocol, tau) -> cli.out.printf("  %-13s %6.3f  %s%n", protocol, tau.tau(),
                    tau.low() == null ? "(interval undefined: too many ties)"
                            : String.format("[%.3f, %.3f]", tau.low(), tau.high())));
        } else if (study.rankCheck().size() > 1) {
            cli.out.printf("Kendall's tau over %d sampled strategies: undefined (all scores tie in one ranking)%n",
                    study.rankCheck().size());
        }
        if (Files.isRegularFile(runDir.resolve("report.html"))) {
            RunReports.render(cli.plugins(), runDir, RunReports.named(List.of("html")), cli.out); // the report gains the study
        }
        cli.out.println("Study: " + runDir.resolve(RunDirectory.STUDY));
    }
}
