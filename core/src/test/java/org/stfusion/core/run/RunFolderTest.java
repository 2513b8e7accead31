package org.stfusion.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.io.AtomicFile;

/** Run folders: marked, locked by one process at a time, never a user's folder, never shared by two runs. */
class RunFolderTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondHolderIsRefusedByNameUntilTheFirstLetsGo() {
        RunDirectory dir = new RunDirectory(tmp.resolve("run"));
        try (RunLock first = dir.lock("stfusion run a.yaml")) {
            var e = assertThrows(UserException.class, () -> dir.lock("stfusion sample run"));
            assertTrue(e.getMessage().contains("in use by another stfusion process (pid " + ProcessHandle.current().pid()),
                    e.getMessage());
            assertTrue(e.getMessage().contains("stfusion run a.yaml"), e.getMessage());
        }
        try (RunLock again = dir.lock("stfusion sample run")) {
            assertTrue(dir.isRun(), "the lock marks the folder as a run");
        }
    }

    @Test
    void runsStartedInTheSameSecondGetTheirOwnFolders() {
        Set<Path> folders = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            folders.add(RunDirectory.createDefault(tmp.resolve("runs"), "motion").root());
        }
        assertEquals(5, folders.size(), folders.toString());
        folders.forEach(f -> assertTrue(Files.isDirectory(f), f + " exists"));
    }

    @Test
    void aUsersNonEmptyFolderIsRefusedAndAnEmptyOneOrARunAccepted() throws IOException {
        Path user = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(user.resolve("config.yaml"), "# my own notes\n");
        var e = assertThrows(UserException.class, () -> new RunDirectory(user).requireNewEmptyOrRun());
        assertTrue(e.getMessage().contains("is not empty and is not a stfusion run folder"), e.getMessage());
        assertEquals("# my own notes\n", Files.readString(user.resolve("config.yaml")));

        new RunDirectory(Files.createDirectories(tmp.resolve("empty"))).requireNewEmptyOrRun();
        new RunDirectory(tmp.resolve("new")).requireNewEmptyOrRun();
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        run.lock("stfusion run").close();
        Files.writeString(run.root().resolve("results.json"), "{}");
        run.requireNewEmptyOrRun();

        Path legacy = Files.createDirectories(tmp.resolve("legacy/checkpoints")).getParent();
        Files.writeString(legacy.resolve("config.yaml"), "name: x\n");
        assertTrue(new RunDirectory(legacy).isRun(), "a run from before the marker is still a run");
        assertThrows(UserException.class, () -> new RunDirectory(user).requireRun());
    }

    @Test
    void aWriteThatFailsHalfWayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = tmp.resolve("results.json");
        AtomicFile.write(file, "old".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write("partial new content".getBytes(StandardCharsets.UTF_8));
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().startsWith("cannot write " + file + ": No space left on device"), e.getMessage());
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writtenFilesGetTheFoldersUsualPermissionsNotOwnerOnly() throws IOException {
        Path reference = Files.createFile(tmp.resolve("reference"));
        Path written = tmp.resolve("config.yaml");
        AtomicFile.write(written, new byte[] {1});
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
        assertEquals(expected, Files.getPosixFilePermissions(written));
    }

    @Test
    void aTargetThatCannotBeCreatedNamesItselfAndTheCause() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("not-a-folder"), "x");
        var e = assertThrows(IOException.class, () -> AtomicFile.write(blocker.resolve("results.json"), new byte[] {1}));
        assertTrue(e.getMessage().startsWith("cannot write " + blocker.resolve("results.json") + ": "), e.getMessage());
        assertNotEquals("cannot write " + blocker.resolve("results.json") + ": ", e.getMessage());
        assertFalse(Files.isDirectory(blocker));
    }
}
