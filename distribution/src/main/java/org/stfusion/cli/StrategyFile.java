package org.stfusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.run.UserException;

/** Reads a strategy descriptor written by {@code stfusion strategy}. */
final class StrategyFile {
    private StrategyFile() {
    }

    static StrategyDescriptor read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("strategy file " + file + " does not exist (write one with `stfusion strategy RUNDIR`)");
        }
        try {
            return new ObjectMapper().readValue(file.toFile(), StrategyDescriptor.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserException("strategy file " + file + " is not a strategy descriptor: " + e.getMessage(), e);
        }
    }
}
