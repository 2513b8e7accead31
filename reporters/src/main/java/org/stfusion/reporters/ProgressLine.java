package org.stfusion.reporters;

import java.io.PrintStream;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A status line between permanent lines. On a terminal it is redrawn in place with a carriage return, throttled
 * because a fast training loop would otherwise spend its time writing to the terminal. In a log file or a pipe,
 * where a carriage return would make one endless line, it becomes a plain line once a minute, so that a long epoch
 * still shows it is moving. Without progress only the permanent lines are printed.
 */
final class ProgressLine {
    static final long MIN_REDRAW_NANOS = 200_000_000L;
    static final long PLAIN_LINE_NANOS = 60_000_000_000L;

    /** How the status shows. */
    enum Style {
        /** redrawn in place, for a terminal */
        BAR,
        /** a plain line at most once a minute, for logs and pipes */
        PLAIN,
        /** not at all */
        NONE
    }

    private final PrintStream out;
    private final Style style;
    private final LongSupplier nanoClock;
    private boolean showing;
    private int shownLength;
    private long lastDrawNanos;

    ProgressLine(PrintStream out, Style style, LongSupplier nanoClock) {
        this.out = out;
        this.style = style;
        this.nanoClock = nanoClock;
        if (style == Style.PLAIN) {
            lastDrawNanos = nanoClock.getAsLong(); // the first plain line comes a minute after the start
        }
    }

    /**
     * Shows the status: as a bar, redrawn unless the last redraw was under 200 ms ago and {@code force} is false;
     * as a plain line if the last one was a minute ago or more.
     */
    void update(boolean force, Supplier<String> text) {
        if (style == Style.NONE) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (style == Style.PLAIN) {
            if (now - lastDrawNanos >= PLAIN_LINE_NANOS) {
                println(text.get());
                lastDrawNanos = now;
            }
            return;
        }
        if (showing && !force && now - lastDrawNanos < MIN_REDRAW_NANOS) {
            return;
        }
        String line = text.get();
        out.print("\r" + padded(line));
        out.flush();
        showing = true;
        shownLength = line.length();
        lastDrawNanos = now;
    }

    /** Prints a permanent line, over the status line if one is showing. */
    void println(String text) {
        if (showing) {
            out.print("\r" + padded(text));
            showing = false;
            out.println();
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Ends a showing status line, so that whatever is printed next starts on a fresh line. */
    void finish() {
        if (showing) {
            showing = false;
            out.println();
            out.flush();
        }
    }

    /** Spaces after a shorter line wipe the rest of the longer one it replaces. */
    private String padded(String line) {
        return line.length() >= shownLength ? line : line + " ".repeat(shownLength - line.length());
    }
}
