package org.stfusion.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The log file of a command, added to the Log4j configuration at run time: {@code <runDir>/run.log} once the run
 * directory is known, else (for an internal error before that) a file in the temporary directory. It receives
 * {@code org.stfusion} at INFO (DEBUG with {@code --verbose}) and everything else at WARN; the console appender of
 * {@code conf/log4j2.xml} only shows {@code org.stfusion} warnings, because the console reporter does the
 * user-facing output.
 */
final class RunLog {
    static final String APPENDER_NAME = "stfusion-run-log";
    static final String PROJECT_LOGGER = "org.stfusion";
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%t] %c{1.} - %msg%n";

    private static Path current;
    /** What run.log receives from {@code org.stfusion}: INFO, or DEBUG with {@code --verbose}. */
    private static Level level = Level.INFO;

    private RunLog() {
    }

    /** The level from which {@code org.stfusion} events reach the files attached from now on. */
    static synchronized void level(Level projectLevel) {
        level = projectLevel;
    }

    /** The file currently attached, if any. */
    static synchronized Optional<Path> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Sends the log to {@code file} (appending), replacing a file attached before. Returns false if Log4j core is
     * not the logging implementation or the file cannot be opened (nothing is attached then).
     */
    static synchronized boolean attach(Path file) {
        if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
            return false;
        }
        detach();
        Configuration cfg = ctx.getConfiguration();
        FileAppender appender = FileAppender.newBuilder()
                .setName(APPENDER_NAME)
                .setFileName(file.toString())
                .setAppend(true)
                .setLayout(PatternLayout.newBuilder().setConfiguration(cfg).setPattern(PATTERN).build())
                .setConfiguration(cfg)
                .build();
        if (appender == null) { // Log4j reported why on its status logger
            return false;
        }
        appender.start();
        cfg.addAppender(appender);
        projectLogger(cfg).addAppender(appender, level, null);
        cfg.getRootLogger().addAppender(appender, Level.WARN, null);
        ctx.updateLoggers();
        current = file;
        return true;
    }

    /** Removes the attached file appender, if any, and closes the file. */
    static synchronized void detach() {
        if (current == null || !(LogManager.getContext(false) instanceof LoggerContext ctx)) {
            current = null;
            return;
        }
        Configuration cfg = ctx.getConfiguration();
        for (LoggerConfig lc : cfg.getLoggers().values()) {
            lc.removeAppender(APPENDER_NAME);
        }
        cfg.getRootLogger().removeAppender(APPENDER_NAME);
        Appender appender = cfg.getAppenders().get(APPENDER_NAME);
        if (appender != null) {
            appender.stop();
            cfg.getAppenders().remove(APPENDER_NAME);
        }
        ctx.updateLoggers();
        current = null;
    }

    /**
     * The {@code org.stfusion} logger config (INFO, not additive, so that its warnings are not written twice
     * through the root). Created when the configuration in use (e.g. Log4j's default) has none, keeping the
     * root's appenders so the console behaves as before.
     */
    private static LoggerConfig projectLogger(Configuration cfg) {
        LoggerConfig lc = cfg.getLoggerConfig(PROJECT_LOGGER);
        if (lc.getName().equals(PROJECT_LOGGER)) {
            return lc;
        }
        LoggerConfig root = cfg.getRootLogger();
        LoggerConfig created = LoggerConfig.newBuilder()
                .setLoggerName(PROJECT_LOGGER)
                .setLevel(Level.INFO)
                .setAdditivity(false)
                .setIncludeLocation("false")
                .setRefs(new AppenderRef[0])
                .setConfig(cfg)
                .build();
        root.getAppenders().values().forEach(a -> created.addAppender(a, root.getLevel(), null));
        cfg.addLogger(PROJECT_LOGGER, created);
        return created;
    }
}
