package org.stfusion.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Stray {@code System.out} output of libraries, one log event per line. ND4J 1.0.0-M2.1 prints a line per op
 * when SameDiff builds a gradient ("Added differentiated op ..."), straight to {@code System.out}; the CLI
 * hands the real stdout to the console reporter and points {@code System.out} here, so such lines go to the
 * logger {@value #LOGGER} at INFO, which {@code conf/log4j2.xml} drops unless asked for.
 */
final class StdoutToLog extends OutputStream {
    static final String LOGGER = "stfusion.stdout";

    private final Logger logger;
    private final Level level;
    private final Charset charset;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    StdoutToLog(Logger logger, Level level, Charset charset) {
        this.logger = logger;
        this.level = level;
        this.charset = charset;
    }

    /** A print stream for {@link System#setOut}. */
    static PrintStream printStream(Charset charset) {
        return new PrintStream(new StdoutToLog(LogManager.getLogger(LOGGER), Level.INFO, charset), true, charset);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String text = line.toString(charset);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (!text.isBlank()) {
            logger.log(level, text);
        }
    }
}
