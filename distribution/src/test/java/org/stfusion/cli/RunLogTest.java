package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.log gets stfusion at INFO and other libraries at WARN (with the shipped conf/log4j2.xml). */
class RunLogTest {

    @Test
    void levelsPerLogger(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("run.log");
        assertTrue(RunLog.attach(log));
        try {
            LogManager.getLogger("org.stfusion.core.Trainer").info("stfusion info");
            LogManager.getLogger("org.stfusion.core.Trainer").debug("stfusion debug");
            LogManager.getLogger("org.stfusion.core.Trainer").warn("stfusion warning");
            LogManager.getLogger("org.nd4j.linalg.factory.Nd4jBackend").info("nd4j info");
            LogManager.getLogger("org.nd4j.linalg.factory.Nd4jBackend").warn("nd4j warning");
            org.slf4j.LoggerFactory.getLogger("org.deeplearning4j.X").warn("slf4j warning");
        } finally {
            RunLog.detach();
        }
        LogManager.getLogger("org.stfusion.core.Trainer").warn("after detach");
        String text = Files.readString(log);
        assertTrue(text.contains("stfusion info"), text);
        assertFalse(text.contains("stfusion debug"), text);
        assertTrue(text.lines().filter(l -> l.contains("stfusion warning")).count() == 1, "once: " + text);
        assertFalse(text.contains("nd4j info"), text);
        assertTrue(text.contains("nd4j warning"), text);
        assertTrue(text.contains("slf4j warning"), "ND4J logs through slf4j: " + text);
        assertFalse(text.contains("after detach"), text);
    }
}
