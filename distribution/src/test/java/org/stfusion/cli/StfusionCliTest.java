package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing, exit codes and one-line messages of the command line (class path, no training). */
class StfusionCliTest {

    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = StfusionCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Exit code 2 and exactly one line on stderr, starting with "stfusion: ". */
    static String userError(Result r) {
        assertEquals(StfusionCli.EXIT_USAGE, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        assertTrue(r.err().startsWith("stfusion: "), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        return r.err().strip();
    }

    @Test
    void pluginsListsTheBuiltIns() {
        Result r = run("plugins");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("KIND\\s+NAME\\s+VERSION\\s+SOURCE\\s+DESCRIPTION"), lines.get(0));
        for (String name : List.of("densenet3d", "spatial", "temporal", "synthetic", "console", "json", "html")) {
            assertTrue(lines.stream().anyMatch(l -> l.split("\\s+").length > 1 && l.split("\\s+")[1].equals(name)),
                    name + " in\n" + r.out());
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("backbone ") && l.contains("densenet3d")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("fusion-unit ") && l.contains("temporal")), r.out());
        assertEquals("", r.err());
    }

    @Test
    void missingConfigFileIsAUserErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        String msg = userError(run("run", missing.toString()));
        assertTrue(msg.contains(missing.toString()), msg);
    }

    @Test
    void badSetSyntaxIsAUserError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        String msg = userError(run("run", config.toString(), "--set", "training.epochs"));
        assertTrue(msg.contains("--set") && msg.contains("training.epochs"), msg);
        msg = userError(run("run", config.toString(), "--set", "9lives=1"));
        assertTrue(msg.contains("9lives"), msg);
    }

    @Test
    void unknownBackboneIsAUserErrorListingTheAvailableOnes(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        Path out = dir.resolve("run");
        String msg = userError(run("run", config.toString(), "--set", "backbone.name=nope", "--out", out.toString()));
        assertTrue(msg.startsWith("stfusion: backbone.name: unknown backbone 'nope'; available: "), msg);
        assertTrue(msg.contains("densenet3d"), msg);
        assertTrue(Files.notExists(out), "no empty run directory is left behind");
    }

    @Test
    void aMistakeFoundWhenTheExperimentOpensLeavesNoRunDirectory(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        Path out = dir.resolve("run");
        String msg = userError(run("run", config.toString(), "--set", "backbone.growht=8", "--out", out.toString()));
        assertTrue(msg.startsWith("stfusion: backbone.growht: unknown key"), msg);
        assertTrue(Files.notExists(out), "no empty run directory is left behind");
    }

    @Test
    void resumeWithoutOutIsAUserError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\ndataset: {name: synthetic}\n");
        String msg = userError(run("run", config.toString(), "--resume"));
        assertTrue(msg.contains("--resume needs --out"), msg);
    }

    @Test
    void parameterErrorsAreOneLine() {
        assertTrue(userError(run("run")).contains("CONFIG"));
        assertTrue(userError(run("frobnicate")).contains("frobnicate"));
        String msg = userError(run("plugins", "--plugin", "x"));
        assertTrue(msg.contains("did you mean"), msg);
        assertTrue(userError(run("train")).contains("RUNDIR"));
    }

    @Test
    void notARunDirectoryIsAUserError(@TempDir Path dir) {
        for (String cmd : List.of("train", "sample", "analyze")) {
            String msg = userError(run(cmd, dir.resolve("missing-run").toString()));
            assertTrue(msg.contains("missing-run"), msg);
        }
        assertTrue(Files.notExists(dir.resolve("missing-run")), "a typo does not create a run directory");
    }

    @Test
    void pluginsFolderOptionBeforeOrAfterTheCommand(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-dir");
        assertTrue(userError(run("--plugins", missing.toString(), "plugins")).contains(missing.toString()));
        assertTrue(userError(run("plugins", "--plugins", missing.toString())).contains(missing.toString()));
        Path empty = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(empty.resolve("README.txt"), "nothing");
        assertEquals(0, run("plugins", "--plugins", empty.toString()).code());
    }

    @Test
    void brokenPluginJarIsOneWarningLineNamingTheJar(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        Result r = run("--plugins", plugins.toString(), "plugins");
        assertEquals(0, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("warning: plugin jar " + jar + " cannot be loaded"), r.err());
    }

    @Test
    void helpVersionAndNoArguments() {
        Result help = run("--help");
        assertEquals(0, help.code());
        for (String cmd : List.of("plugins", "run", "train", "sample", "analyze", "--plugins")) {
            assertTrue(help.out().contains(cmd), cmd + " in " + help.out());
        }
        Result version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("stfusion "), version.out());
        Result none = run();
        assertEquals(StfusionCli.EXIT_USAGE, none.code());
        assertTrue(none.err().contains("Usage: stfusion"), none.err());
        assertEquals(0, run("help", "run").code());
    }

    @Test
    void everyCommandsHelpEndsWithAnExample() {
        var cli = new StfusionCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        Set<String> commands = StfusionCli.commandLine(cli).getSubcommands().keySet();
        assertTrue(commands.containsAll(List.of("run", "config", "doctor", "completion", "help")), commands.toString());
        for (String command : commands) {
            Result r = run(command, "--help");
            assertEquals(0, r.code(), command + ": " + r);
            String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
            // on one line at picocli's default width of 80, so that it can be copied whole
            assertTrue(last.startsWith("Example: ") && last.contains("stfusion") && last.contains(command),
                    command + " --help ends with: " + last);
        }
        assertTrue(run("--help").out().strip().endsWith("Example: stfusion run examples/synthetic-motion.yaml --set sampling.count=20"));
    }

    @Test
    void completionIsABashScriptForEveryCommandAndOption() {
        Result r = run("completion");

        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("complete -F _complete_stfusion"), "registers with bash:\n" + r.out());
        var cli = new StfusionCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        for (String command : StfusionCli.commandLine(cli).getSubcommands().keySet()) {
            assertTrue(r.out().contains("_picocli_stfusion_" + command.replace("-", "")), command);
        }
        for (String option : List.of("--set", "--quiet", "--verbose", "--plugins", "--runs", "--no-defaults")) {
            assertTrue(r.out().contains(option), option);
        }
    }

    @Test
    void quietAndVerboseExcludeEachOther() {
        String msg = userError(run("--quiet", "plugins", "--verbose"));
        assertTrue(msg.contains("--quiet and --verbose"), msg);
    }

    @Test
    void quietRunPrintsOnlyTheResultLine(@TempDir Path dir) {
        Path out = dir.resolve("run");
        Path example = Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml");
        List<String> args = new java.util.ArrayList<>(List.of("--quiet", "run", example.toString(), "--out", out.toString()));
        for (String set : List.of("backbone.blocks=[1,1]", "backbone.initFeatures=8", "backbone.growth=4",
                "dataset.classes=2", "dataset.trainSize=32", "dataset.valSize=16", "training.warmupEpochs=0",
                "training.vdpEpochs=1", "training.lrSteps=[]", "sampling.count=2", "sampling.bnRecalibration=0")) {
            args.addAll(List.of("--set", set));
        }

        Result r = run(args.toArray(String[]::new));

        assertEquals(0, r.code(), r.toString());
        assertEquals("Results: " + out.resolve("results.json"), r.out().strip(), "no header, epoch lines or summary");
        assertEquals("", r.err());
    }

    @Test
    void internalErrorIsOneLinePointingAtTheLogWithTheStackTrace(@TempDir Path dir) throws Exception {
        var err = new ByteArrayOutputStream();
        var cli = new StfusionCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        Path log = dir.resolve("run.log");
        RunLog.attach(log);
        try {
            int code = cli.failure(new IllegalStateException("boom\nsecond line", new ArithmeticException("inner")));
            assertEquals(StfusionCli.EXIT_INTERNAL, code);
        } finally {
            RunLog.detach();
        }
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals("stfusion: internal error: IllegalStateException: boom (details in " + log + ")",
                line.strip());
        String text = Files.readString(log);
        assertTrue(text.contains("internal error") && text.contains("java.lang.IllegalStateException: boom")
                && text.contains("second line") && text.contains("\tat org.stfusion.cli.StfusionCliTest")
                && text.contains("ArithmeticException: inner"), text);
    }

    @Test
    void internalErrorWithoutRunDirGoesToATemporaryLog() throws Exception {
        var err = new ByteArrayOutputStream();
        var cli = new StfusionCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(StfusionCli.EXIT_INTERNAL, cli.failure(new NullPointerException()));
        } finally {
            RunLog.detach();
        }
        Matcher m = Pattern.compile("stfusion: internal error: NullPointerException \\(details in (.+)\\)").matcher(err.toString().strip());
        assertTrue(m.matches(), err.toString());
        Path log = Path.of(m.group(1));
        assertTrue(Files.readString(log).contains("java.lang.NullPointerException"));
        Files.delete(log);
    }

    @Test
    void userErrorsWrappedByOtherExceptionsAreStillUserErrors() {
        var err = new ByteArrayOutputStream();
        var cli = new StfusionCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = cli.failure(new RuntimeException("wrapper",
                new org.stfusion.api.data.DataException("clip 7 of /data/x cannot be decoded")));
        assertEquals(StfusionCli.EXIT_USAGE, code);
        assertEquals("stfusion: clip 7 of /data/x cannot be decoded", err.toString().strip());
    }
}
