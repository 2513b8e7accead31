package org.stfusion.reporters;

import java.io.PrintStream;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A status line redrawn in place with a carriage return, between permanent lines. Redraws are throttled
 * because a fast training loop would otherwise spend its time writing to the terminal; when disabled only
 * the permanent lines are printed.
 */
final class ProgressLine {
    static final long MIN_REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private final LongSupplier nanoClock;
    private boolean showing;
    private int shownLength;
    private long lastDrawNanos;

    ProgressLine(PrintStream out, boolean enabled, LongSupplier nanoClock) {
        this.out = out;
        this.enabled = enabled;
        this.nanoClock = nanoClock;
    }

    /** Redraws the status line, unless the last redraw was under 200 ms ago and {@code force} is false. */
    void update(boolean force, Supplier<String> text) {
        if (!enabled) {
            return;
        }
        long now = nanoClock.getAsLong();
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
