package org.stfusion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.core.Experiment;
import org.stfusion.core.run.OutputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stfusion strategy RUNDIR [ID]}: a scored strategy as a JSON descriptor. */
@Command(name = "strategy", mixinStandardHelpOptions = true,
        description = "Write a scored strategy of a run as a JSON descriptor (backbone, unit per position, seed).",
        footer = {"", "Example: stfusion strategy runs/my-run best --out best.json"})
final class StrategyCommand extends RunDirCommand {
    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", defaultValue = "best",
            description = "best (default), S, ST, S+ST or a sampled id such as s007.")
    String id;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the descriptor here instead of printing it.")
    Path out;

    @Override
    String execute(Experiment experiment) {
        try {
            String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(experiment.strategies().descriptor(id));
            if (out == null) {
                return json;
            }
            AtomicFile.write(out, (json + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
            return "Strategy: " + out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
        }
    }
}
