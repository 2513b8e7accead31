package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataCommandTest {

    @Test
    void reportsOneThreadAndLoaderThroughputPerSplit(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "name: t\nbackbone: {name: densenet3d}\n"
                + "dataset: {name: synthetic, trainSize: 8, valSize: 4, frames: 4, size: 16}\n"
                + "data: {workers: 3}\ntraining: {batchSize: 3}\n");
        var r = StfusionCliTest.run("bench-data", config.toString(), "--clips", "6");
        assertEquals(StfusionCli.EXIT_OK, r.code(), r.toString());
        var one = Pattern.compile("synthetic train 6 clips of 3x4x16x16, 1 thread: [0-9.]+ clips/s");
        var loader = Pattern.compile("synthetic val   4 clips of 3x4x16x16, loader with 3 workers, batches of 3: [0-9.]+ clips/s");
        assertTrue(one.matcher(r.out()).find(), r.out());
        assertTrue(loader.matcher(r.out()).find(), r.out());
    }
}
