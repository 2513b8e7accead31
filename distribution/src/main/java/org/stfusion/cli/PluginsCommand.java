package org.stfusion.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stfusion.core.plugins.PluginDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code stfusion plugins}: the installed plugins as a table. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the installed plugins: built-in ones and the jars in the plugins folder.",
        footer = {"", "Example: stfusion plugins"})
final class PluginsCommand implements Callable<Integer> {
    static final List<String> HEADER = List.of("KIND", "NAME", "VERSION", "SOURCE", "DESCRIPTION");

    @ParentCommand
    StfusionCli cli;

    @Override
    public Integer call() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (PluginDescriptor d : cli.plugins().describe()) {
            rows.add(List.of(d.kind(), d.name(), d.version(), shortSource(d.source()), d.description()));
        }
        cli.out.print(table(rows));
        cli.out.flush();
        return StfusionCli.EXIT_OK;
    }

    /** A jar under the installation directory is shown relative to it, e.g. {@code plugins/x.jar}. */
    static String shortSource(String source) {
        String home = StfusionCli.home();
        if (home == null) {
            return source;
        }
        try {
            Path path = Path.of(source); // a module name is a relative "path" and stays as it is
            Path base = Path.of(home).toAbsolutePath().normalize();
            return path.isAbsolute() && path.normalize().startsWith(base) ? base.relativize(path.normalize()).toString() : source;
        } catch (InvalidPathException e) {
            return source;
        }
    }

    /** Left-aligned columns separated by two spaces; the last column is not padded. */
    static String table(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? row.get(c) : String.format("%-" + width[c] + "s  ", row.get(c)));
            }
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
