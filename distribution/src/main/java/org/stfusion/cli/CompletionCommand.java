package org.stfusion.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stfusion completion}: a bash (and zsh) completion script generated from the command definitions. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a bash completion script for stfusion (zsh can use it through bashcompinit): "
                + "commands, options and file names complete with TAB. Load it into the current shell as in the "
                + "example, or save it where your shell loads completions from.",
        footer = {"", "Example: source <(stfusion completion)"})
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandSpec root = spec.root();
        cli.out.print(AutoComplete.bash(root.name(), root.commandLine()));
        cli.out.flush();
        return StfusionCli.EXIT_OK;
    }
}
