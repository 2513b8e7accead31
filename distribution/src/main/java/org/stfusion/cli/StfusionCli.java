package org.stfusion.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.DataException;
import org.stfusion.core.network.NativeBackend;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.plugins.PluginFailedException;
import org.stfusion.core.plugins.PluginLoadException;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.RunLock;
import org.stfusion.core.run.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * {@code stfusion}: the command line. Exit codes: 0 success; 2 a mistake the user can fix (bad arguments,
 * configuration, data, run directory, plugin jar, a training that diverged), shown as one line
 * {@code stfusion: <message>}; 1 an internal error, shown as one line pointing at the log file that holds the
 * stack trace, or a failed {@code doctor} check; 3 {@code validate-data} found bad items; 4 a file the user asked
 * for could not be written (full disk, permissions), named with its cause.
 */
@Command(name = "stfusion", mixinStandardHelpOptions = true, versionProvider = StfusionCli.Version.class,
        usageHelpAutoWidth = true,
        description = "Spatiotemporal fusion analysis of 3D CNNs with Variational DropPath (Zhou et al., CVPR 2020).",
        subcommands = {PluginsCommand.class, RunCommand.class, TrainCommand.class, SampleCommand.class, StudyCommand.class, StrategyCommand.class,
                MaterializeCommand.class, ExportCommand.class, PredictCommand.class, RetrainCommand.class, BenchCommand.class, BenchDataCommand.class, ValidateDataCommand.class, TransferCommand.class,
                AnalyzeCommand.class, ReportCommand.class, ShowConfigCommand.class, DoctorCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Example: stfusion run examples/synthetic-motion.yaml --set sampling.count=20"})
public final class StfusionCli implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_USAGE = 2;
    /** {@code validate-data} found bad items (the report lists them). */
    public static final int EXIT_BAD_DATA = 3;
    /** Results, a checkpoint or a report could not be written; what was written before stays valid. */
    public static final int EXIT_OUTPUT = 4;
    /** What a run folder holds when a command stopped before writing anything of its own into it. */
    private static final java.util.Set<String> BOOKKEEPING = java.util.Set.of("run.log", RunDirectory.MARKER, RunLock.FILE);

    /** Not under {@code org.stfusion}, so that it reaches the log file and never the console. */
    private static final Logger FILE_ONLY = LogManager.getLogger("stfusion.cli");
    private static final Logger LOG = LogManager.getLogger(StfusionCli.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--plugins", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Folder of plugin jars (default: $STFUSION_HOME/plugins).")
    Path pluginsDir;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only errors and the final result lines (no progress, no warnings).")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Also print stfusion's debug log on stderr (run.log then gets it too).")
    boolean verbose;

    final PrintStream out;
    final PrintStream err;
    /** The plugins, once discovered: their warnings are printed once. */
    private PluginCatalog catalog;
    /** The run directory this command created, if any: removed again if a user error stops it empty. */
    private Path createdRunDir;
    /** The log file used until the run folder has passed every check (see {@link #commitRunLog}). */
    private Path pendingLog;

    StfusionCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Results and reporter output go to the real stdout; libraries' stray prints go to the log (StdoutToLog).
        PrintStream stdout = System.out;
        System.setOut(StdoutToLog.printStream(java.nio.charset.Charset.defaultCharset()));
        int code = execute(stdout, System.err, args);
        stdout.flush();
        System.exit(code);
    }

    /** Runs the command line and returns the exit code; {@code out} gets results, {@code err} the messages. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        StfusionCli cli = new StfusionCli(out, err);
        try {
            return commandLine(cli).execute(args);
        } catch (RuntimeException | Error e) { // picocli lets Errors (e.g. OutOfMemoryError) through
            return cli.failure(e);
        } finally {
            RunLog.detach();
        }
    }

    /** The parser and dispatcher of {@code cli}: messages and exit codes as described above. */
    static CommandLine commandLine(StfusionCli cli) {
        CommandLine cl = new CommandLine(cli)
                .setOut(new PrintWriter(cli.out, true))
                .setErr(new PrintWriter(cli.err, true))
                .setParameterExceptionHandler((e, a) -> cli.usageError(e))
                .setExecutionExceptionHandler((e, c, p) -> cli.failure(e))
                .setExecutionStrategy(cli::executeWithVerbosity);
        // picocli's own help command cannot carry our footer in an annotation
        cl.getSubcommands().get("help").getCommandSpec().usageMessage().footer("", "Example: stfusion help run");
        return cl;
    }

    /** Runs the chosen command with --quiet/--verbose in effect, and restores the logging afterwards. */
    private int executeWithVerbosity(CommandLine.ParseResult parsed) {
        if (quiet && verbose) {
            throw new ParameterException(spec.commandLine(), "--quiet and --verbose exclude each other: choose one");
        }
        try (Verbosity.Applied applied = verbosity().apply()) {
            return new CommandLine.RunLast().execute(parsed);
        }
    }

    Verbosity verbosity() {
        return Verbosity.of(quiet, verbose);
    }

    /**
     * Where progress goes (the console reporter, progress lines): the results stream, or nowhere with
     * {@code --quiet}. Final result lines always go to {@link #out}.
     */
    PrintStream console() {
        return quiet ? new PrintStream(OutputStream.nullOutputStream(), true) : out;
    }

    /** {@code stfusion} alone: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }

    /** The plugins folder: {@code --plugins}, else {@code $STFUSION_HOME/plugins}; null if neither is set. */
    Path pluginsDir() {
        if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
            throw new ParameterException(spec.commandLine(), "--plugins: no such directory: " + pluginsDir);
        }
        return pluginsFolder();
    }

    /** The plugins folder as configured, whether or not it exists (for {@code doctor}); null if none is. */
    Path pluginsFolder() {
        if (pluginsDir != null) {
            return pluginsDir;
        }
        String home = home();
        return home == null ? null : Path.of(home).resolve("plugins");
    }

    /** The installation directory: {@code -Dstfusion.home}, else {@code $STFUSION_HOME} (set by the launcher). */
    static String home() {
        String home = System.getProperty("stfusion.home", System.getenv("STFUSION_HOME"));
        return home == null || home.isBlank() ? null : home;
    }

    /**
     * Built-in plugins plus the jars of the plugins folder, discovered once per command. A jar or provider that
     * cannot be used is skipped with one warning line (not with --quiet); a command that names its plugin fails
     * naming the jar.
     */
    PluginCatalog plugins() {
        if (catalog != null) {
            return catalog;
        }
        catalog = PluginCatalog.discover(StfusionCli.class.getClassLoader(), pluginsDir());
        for (PluginLoadException problem : catalog.problems()) {
            LOG.debug("plugin skipped", problem);
            if (!quiet) {
                err.println("warning: " + oneLine(problem.getMessage()) + "; skipped");
            }
        }
        return catalog;
    }

    /**
     * Takes the run folder for this command: its lock (refused while another process holds it), and a log file of
     * its own in the temporary folder until {@link #commitRunLog}, so that a command refused by a later check
     * leaves the run's files as they were. {@code createdHere}: the folder is new, and removed again if the
     * command stops before writing into it.
     */
    RunLock claimRunFolder(RunDirectory dir, boolean createdHere, List<String> commandLine) {
        boolean isNew = createdHere || !Files.exists(dir.root());
        RunLock lock = dir.lock("stfusion " + String.join(" ", commandLine));
        if (isNew) {
            createdRunDir = dir.root();
        }
        try {
            pendingLog = Files.createTempFile("stfusion-", ".log");
        } catch (IOException e) {
            lock.close();
            throw new OutputException("cannot create a log file in " + System.getProperty("java.io.tmpdir") + ": "
                    + e.getMessage(), e);
        }
        RunLog.attach(pendingLog);
        LOG.info("stfusion {} {}", Version.text(), String.join(" ", commandLine));
        LOG.info("java {} ({}), plugins folder: {}", Runtime.version(), System.getProperty("java.vm.name"), pluginsDir());
        return lock;
    }

    /** Every check has passed: the log continues in {@code runDir/run.log}, starting with what it held so far. */
    void commitRunLog(Path runDir) {
        Path runLog = runDir.resolve("run.log");
        RunLog.detach();
        try {
            if (pendingLog != null) {
                Files.write(runLog, Files.readAllBytes(pendingLog), java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                Files.delete(pendingLog);
                pendingLog = null;
            }
        } catch (IOException e) {
            throw new OutputException("cannot write " + runLog + ": " + e.getMessage(), e);
        }
        RunLog.attach(runLog);
    }

    int usageError(ParameterException e) {
        String msg = oneLine(e.getMessage());
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            msg += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        err.println("stfusion: " + msg);
        return EXIT_USAGE;
    }

    /** Maps what a command threw to one line on {@code err} and an exit code. */
    int failure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ParameterException pe) {
                return usageError(pe);
            }
            if (t instanceof ConfigException || t instanceof DataException || t instanceof UserException) {
                String msg = oneLine(t.getMessage());
                if (RunLog.current().isPresent()) {
                    FILE_ONLY.warn("stopped: {}", msg, t);
                }
                if (t instanceof PluginFailedException && RunLog.current().isPresent()) {
                    // the plugin's author needs the stack trace: keep the log that holds it
                    err.println("stfusion: " + msg + " (stack trace in " + RunLog.current().get() + ")");
                    removeEmptyRunDir();
                    return EXIT_USAGE;
                }
                err.println("stfusion: " + msg);
                dropPendingLog();
                removeEmptyRunDir();
                return t instanceof OutputException ? EXIT_OUTPUT : EXIT_USAGE;
            }
        }
        if (RunLog.current().isEmpty()) {
            RunLog.attach(Path.of(System.getProperty("java.io.tmpdir"), "stfusion-" + ProcessHandle.current().pid() + ".log"));
        }
        FILE_ONLY.error("internal error", e);
        String where = RunLog.current().map(p -> " (details in " + p + ")").orElse("");
        String what = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        if (e instanceof OutOfMemoryError) {
            what += "; give it more memory with STFUSION_HEAP (e.g. STFUSION_HEAP=12g)";
        }
        err.println("stfusion: internal error: " + what + where);
        return EXIT_INTERNAL;
    }

    /** The first non-blank line, at most 300 characters: the log file has the rest. */
    static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("").strip();
        return line.length() <= 300 ? line : line.substring(0, 297) + "...";
    }

    /** A refused command's log: the one line on stderr says it all. */
    private void dropPendingLog() {
        if (pendingLog != null && RunLog.current().filter(pendingLog::equals).isPresent()) {
            RunLog.detach();
            try {
                Files.deleteIfExists(pendingLog);
            } catch (IOException ignored) {
                // a leftover in the temporary folder
            }
        }
    }

    /** A mistake caught before anything was written should not leave a run directory holding only bookkeeping. */
    private void removeEmptyRunDir() {
        if (createdRunDir == null) {
            return;
        }
        try (var files = Files.list(createdRunDir)) {
            List<Path> left = files.toList();
            if (left.stream().allMatch(p -> BOOKKEEPING.contains(p.getFileName().toString()))) {
                RunLog.detach();
                for (Path p : left) {
                    Files.delete(p);
                }
                Files.delete(createdRunDir);
            }
        } catch (IOException e) {
            // keep it: it is only untidy
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** The version of this module (set at build time), else the jar's Implementation-Version. */
    static final class Version implements IVersionProvider {
        static String text() {
            Module m = StfusionCli.class.getModule();
            if (m.isNamed() && m.getDescriptor().rawVersion().isPresent()) {
                return m.getDescriptor().rawVersion().get();
            }
            String impl = StfusionCli.class.getPackage().getImplementationVersion();
            return impl == null ? "dev" : impl;
        }

        @Override
        public String[] getVersion() {
            String nativeLine;
            try {
                nativeLine = NativeBackend.describe().toString();
            } catch (RuntimeException | LinkageError e) {
                nativeLine = "ND4J: cannot start (" + e + ")";
            }
            return new String[] {"stfusion " + text(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name")
                    + ", " + System.getProperty("java.vm.vendor") + ")", nativeLine};
        }
    }
}
