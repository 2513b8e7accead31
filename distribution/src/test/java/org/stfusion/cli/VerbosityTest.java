package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --quiet} / {@code --verbose} on a logging set up as conf/log4j2.xml does it: {@code org.stfusion} at INFO
 * with a console appender that shows warnings and up. Each is undone when the command ends.
 */
class VerbosityTest {
    private final StringWriter console = new StringWriter();
    private LoggerContext ctx;
    private Logger logger;

    @BeforeEach
    void shippedLayout() {
        ctx = new LoggerContext("verbosity-test");
        Configuration cfg = new DefaultConfiguration();
        WriterAppender appender = WriterAppender.newBuilder().setName("console").setTarget(console)
                .setLayout(PatternLayout.newBuilder().withPattern("%level %msg%n").build()).build();
        appender.start();
        cfg.addAppender(appender);
        LoggerConfig project = LoggerConfig.newBuilder().setLoggerName(RunLog.PROJECT_LOGGER).setLevel(Level.INFO)
                .setAdditivity(false).setRefs(new AppenderRef[] {AppenderRef.createAppenderRef("console", Level.WARN, null)})
                .setConfig(cfg).build();
        project.addAppender(appender, Level.WARN, null);
        cfg.addLogger(RunLog.PROJECT_LOGGER, project);
        ctx.start(cfg);
        logger = ctx.getLogger("org.stfusion.core.Something");
    }

    @AfterEach
    void stop() {
        ctx.stop();
    }

    private void logAllLevels() {
        logger.debug("d");
        logger.info("i");
        logger.warn("w");
        logger.error("e");
    }

    @Test
    void byDefaultWarningsAndErrorsReachTheConsole() {
        try (var applied = Verbosity.NORMAL.apply(ctx)) {
            logAllLevels();
        }
        assertEquals("WARN w\nERROR e\n", console.toString().replace("\r", ""));
    }

    @Test
    void quietLetsOnlyErrorsThroughUntilTheCommandEnds() {
        try (var applied = Verbosity.QUIET.apply(ctx)) {
            logAllLevels();
        }
        assertEquals("ERROR e\n", console.toString().replace("\r", ""));
        logger.warn("after");
        assertTrue(console.toString().contains("WARN after"), "restored: " + console);
    }

    @Test
    void verboseShowsDebugUntilTheCommandEnds() {
        try (var applied = Verbosity.VERBOSE.apply(ctx)) {
            assertTrue(logger.isDebugEnabled());
            logAllLevels();
        }
        assertEquals("DEBUG d\nINFO i\nWARN w\nERROR e\n", console.toString().replace("\r", ""));
        assertFalse(logger.isDebugEnabled(), "restored");
        logger.info("after");
        assertFalse(console.toString().contains("after"), console.toString());
    }
}
