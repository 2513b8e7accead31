package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.cli.StfusionCliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.cli.StfusionCliTest.Result;

/** {@code stfusion doctor}: a line per finding, a fix on every problem, exit code 1 when something fails. */
class DoctorCommandTest {
    @TempDir
    Path dir;

    private Result doctor(Path plugins, Path runs, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("doctor", "--plugins", plugins.toString(), "--runs", runs.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static List<String> lines(Result r, String status, String topic) {
        return r.out().lines().filter(l -> l.matches(status + "\\s+" + topic + "\\s+.*")).toList();
    }

    @Test
    void aHealthySetupPassesWithALinePerCheck() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path runs = dir.resolve("runs");

        Result r = doctor(plugins, runs);

        assertEquals(StfusionCli.EXIT_OK, r.code(), r.toString());
        for (String topic : List.of("java", "nd4j", "onednn", "cpu", "memory", "plugins", "runs", "ffmpeg")) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches("(OK|WARN)\\s+" + topic + "\\s+.*")), topic + " in\n" + r.out());
        }
        assertTrue(lines(r, "OK", "plugins").stream().anyMatch(l -> l.contains("densenet3d")), "built-ins listed:\n" + r.out());
        assertTrue(lines(r, "OK", "plugins").stream().anyMatch(l -> l.contains(plugins + ": no jars")), r.out());
        assertTrue(lines(r, "OK", "runs").get(0).contains("is writable"), r.out());
        assertTrue(lines(r, "OK", "onednn").get(0).contains("oneDNN 2."), "oneDNN loads on linux-x86_64:\n" + r.out());
        assertFalse(Files.exists(runs), "doctor does not create the run folder");
        try (var left = Files.list(dir)) {
            assertEquals(List.of(plugins), left.toList(), "and leaves no probe file behind");
        }
        assertTrue(r.out().lines().filter(l -> l.startsWith("WARN")).allMatch(l -> l.contains("; fix: ")), r.out());
        assertEquals("", r.err());
    }

    @Test
    void aJarThatCannotBeLoadedFailsNamingTheJarAndTheFix() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = Files.writeString(plugins.resolve("x.jar"), "garbage, not a zip");

        Result r = doctor(plugins, dir);

        assertEquals(DoctorCommand.EXIT_FAILED, r.code(), r.toString());
        List<String> failed = lines(r, "FAIL", "plugins");
        assertEquals(1, failed.size(), r.out());
        assertTrue(failed.get(0).contains("plugin jar " + jar + " cannot be loaded"), failed.get(0));
        assertTrue(failed.get(0).contains("; fix: remove " + jar), failed.get(0));
        assertTrue(lines(r, "OK", "plugins").stream().anyMatch(l -> l.contains("densenet3d")), "built-ins still listed:\n" + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("doctor: 1 failure, " + warnings(r))), r.out());
    }

    @Test
    void everyBrokenJarIsNamedNotOnlyTheFirst() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("a.jar"), "garbage");
        Files.writeString(plugins.resolve("b.jar"), "garbage");

        Result r = doctor(plugins, dir);

        assertEquals(DoctorCommand.EXIT_FAILED, r.code(), r.toString());
        assertTrue(lines(r, "FAIL", "plugins").stream().anyMatch(l -> l.contains("a.jar")), r.out());
        assertTrue(lines(r, "FAIL", "plugins").stream().anyMatch(l -> l.contains("b.jar")), r.out());
    }

    @Test
    void aPluginsPathThatIsAFileFails() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plugins"), "a file");

        Result r = doctor(notAFolder, dir);

        assertEquals(DoctorCommand.EXIT_FAILED, r.code(), r.toString());
        String line = lines(r, "FAIL", "plugins").get(0);
        assertTrue(line.contains("plugins folder " + notAFolder + " is a file, not a folder; fix: "), line);
    }

    @Test
    void aMissingPluginsFolderFails() {
        Path missing = dir.resolve("no-such-folder");

        Result r = doctor(missing, dir);

        assertEquals(DoctorCommand.EXIT_FAILED, r.code(), r.toString());
        assertTrue(lines(r, "FAIL", "plugins").get(0).contains(missing + " does not exist; fix: create it"), r.out());
    }

    @Test
    void aRunFolderThatIsAFileFails() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path runs = Files.writeString(dir.resolve("runs"), "a file");

        Result r = doctor(plugins, runs);

        assertEquals(DoctorCommand.EXIT_FAILED, r.code(), r.toString());
        assertTrue(lines(r, "FAIL", "runs").get(0).contains(runs + " is a file, not a folder; fix: "), r.out());
    }

    @Test
    void quietShowsOnlyTheProblemsAndTheVerdict() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("x.jar"), "garbage");

        Result r = doctor(plugins, dir, "--quiet");

        assertEquals(DoctorCommand.EXIT_FAILED, r.code(), r.toString());
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("OK")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL  plugins")), r.out());
        assertTrue(r.out().lines().reduce((a, b) -> b).orElseThrow().startsWith("doctor: 1 failure"), r.out());
    }

    @Test
    void aCpuWithoutAvx2IsAWarningAndAvx512IsShown() {
        Health old = MachineChecks.cpu("model name\t: Old CPU\nflags\t\t: fpu sse sse2 avx\n", 4);
        Health recent = MachineChecks.cpu("model name\t: New CPU\nflags\t\t: fpu avx avx2 avx512f avx512bw avx512vl\n", 8);

        assertEquals(Health.Status.WARN, old.status(), old.line());
        assertTrue(old.line().contains("Old CPU, 4 cores, no avx2") && old.line().contains("; fix: "), old.line());
        assertEquals(Health.Status.OK, recent.status(), recent.line());
        assertTrue(recent.line().contains("New CPU, 8 cores, avx2 avx512f avx512bw avx512vl"), recent.line());
    }

    @Test
    void theCudaBackendWithoutADeviceFails() {
        assertEquals(Health.Status.FAIL, MachineChecks.cuda(List.of()).status());
        assertEquals(Health.Status.OK, MachineChecks.cuda(List.of("0 GPU (compute 8.6, 20.0 of 24.0 GiB free)")).status());
    }

    private static String warnings(Result r) {
        long n = r.out().lines().filter(l -> l.startsWith("WARN")).count();
        return (n == 0 ? "no" : String.valueOf(n)) + " warning" + (n == 1 ? "" : "s");
    }
}
