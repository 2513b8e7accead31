package org.stfusion.cli;

import java.util.List;
import org.stfusion.core.Experiment;
import picocli.CommandLine.Mixin;

/**
 * A run-directory command whose work can go to an execution engine ({@code --execution}, {@code --master},
 * {@code --partitions} over the run's saved config), which it requires before anything is written.
 */
abstract class ExecutingRunDirCommand extends RunDirCommand {
    @Mixin
    ExecutionOptions execution = new ExecutionOptions();

    @Override
    final List<String> configOverrides() {
        return execution.overrides();
    }

    @Override
    void check(Experiment experiment) {
        experiment.checkExecution();
    }
}
