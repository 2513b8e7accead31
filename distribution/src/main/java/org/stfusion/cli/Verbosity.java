package org.stfusion.cli;

import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * {@code --quiet} / {@code --verbose}: how much of stfusion's own log reaches the console (stderr). Quiet shows
 * errors only (the console reporter is silenced by the CLI as well), the default warnings, verbose everything from
 * debug up, which {@code run.log} then receives too. Applied to Log4j's running configuration for one command and
 * undone afterwards: {@code conf/log4j2.xml} stays the place for lasting changes.
 */
enum Verbosity {
    QUIET(Level.ERROR, null), NORMAL(null, null), VERBOSE(Level.DEBUG, Level.DEBUG);

    /** The console threshold of {@code org.stfusion}, null to keep the configured one. */
    private final Level console;
    /** The level of {@code org.stfusion} itself (and of run.log), null to keep the configured one. */
    private final Level log;

    Verbosity(Level console, Level log) {
        this.console = console;
        this.log = log;
    }

    static Verbosity of(boolean quiet, boolean verbose) {
        return quiet ? QUIET : verbose ? VERBOSE : NORMAL;
    }

    boolean quiet() {
        return this == QUIET;
    }

    /** A verbosity in effect; closing it restores the logging configuration as it was. */
    interface Applied extends AutoCloseable {
        @Override
        void close();
    }

    /** Applies this verbosity to the logging in use until the result is closed. */
    Applied apply() {
        return LogManager.getContext(false) instanceof LoggerContext ctx ? apply(ctx) : () -> { };
    }

    /** Applies this verbosity to {@code ctx} (Log4j core) until the result is closed. */
    Applied apply(LoggerContext ctx) {
        if (this == NORMAL) {
            return () -> { };
        }
        LoggerConfig project = ctx.getConfiguration().getLoggerConfig(RunLog.PROJECT_LOGGER);
        if (!project.getName().equals(RunLog.PROJECT_LOGGER)) { // a configuration without it, as in some tests
            return () -> { };
        }
        Level levelBefore = project.getLevel();
        Map<String, Level> thresholdsBefore = new HashMap<>();
        for (AppenderRef ref : project.getAppenderRefs()) {
            thresholdsBefore.put(ref.getRef(), ref.getLevel());
        }
        if (log != null) {
            project.setLevel(log);
            RunLog.level(log);
        }
        if (console != null) {
            thresholdsBefore.keySet().forEach(name -> threshold(project, name, console));
        }
        ctx.updateLoggers();
        return () -> {
            project.setLevel(levelBefore);
            RunLog.level(Level.INFO);
            thresholdsBefore.forEach((name, level) -> threshold(project, name, level));
            ctx.updateLoggers();
        };
    }

    /** Re-attaches a configured appender of {@code logger} with another level (null: no threshold). */
    private static void threshold(LoggerConfig logger, String appenderName, Level level) {
        Appender appender = logger.getAppenders().get(appenderName);
        if (appender != null) {
            logger.removeAppender(appenderName);
            logger.addAppender(appender, level, null);
        }
    }
}
