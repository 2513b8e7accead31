package org.stfusion.cli;

import java.nio.file.Path;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.Experiment;

/** A {@code --strategy} value: a scored strategy's id ({@code best}, {@code S}, {@code s007}) or a descriptor file. */
final class StrategyArgument {
    private StrategyArgument() {
    }

    static StrategyDescriptor resolve(Experiment experiment, String value) {
        if (value.endsWith(".json") || value.contains("/") || value.contains(java.io.File.separator)) {
            return StrategyFile.read(Path.of(value));
        }
        return experiment.strategies().descriptor(value);
    }
}
