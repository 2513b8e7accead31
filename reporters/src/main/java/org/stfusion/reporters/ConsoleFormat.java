package org.stfusion.reporters;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How the console shows numbers, durations and bars; locale-independent so output is the same everywhere. */
final class ConsoleFormat {
    private ConsoleFormat() {
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** A fraction in [0, 1] as a percentage with one decimal, e.g. {@code 91.2%}; "-" when not measured. */
    static String percent(Double fraction) {
        return fraction == null || !Double.isFinite(fraction) ? "-" : format("%.1f%%", 100 * fraction);
    }

    /** {@code m:ss} or {@code h:mm:ss}; {@code --:--} when unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : format("%d:%02d", s / 60, s % 60);
    }

    /** At most three significant digits without trailing zeros, e.g. {@code 0.05} or {@code 0.000125}. */
    static String significant(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Thousands grouped with commas, e.g. {@code 265,697}. */
    static String grouped(long value) {
        return format("%,d", value);
    }

    /** Multiply-accumulates in billions. */
    static String gmacs(long macs) {
        return format("%.3f", macs / 1e9);
    }

    /** {@code [=======>      ]} with {@code width} characters between the brackets. */
    static String bar(double fraction, int width) {
        double clamped = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
        int filled = (int) Math.round(clamped * width);
        StringBuilder bar = new StringBuilder(width + 2).append('[').append("=".repeat(filled));
        if (filled < width) {
            bar.append('>').append(" ".repeat(width - filled - 1));
        }
        return bar.append(']').toString();
    }

    /** Cuts {@code text} to {@code max} characters, marking the cut with an ellipsis. */
    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
