package org.stfusion.datasets.files;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A frame file name pattern in the Python style the datasets' tools use: one {@code {}}, {@code {:d}} or
 * {@code {:0Nd}} placeholder for the frame number, e.g. {@code img_{:05d}.jpg}, {@code {:06d}.jpg}.
 */
final class FramePattern {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(?::(0?)(\\d*)d)?}");

    private final String prefix;
    private final String suffix;
    private final String numberFormat;
    private final Pattern fileName;

    private FramePattern(String prefix, String suffix, String numberFormat, Pattern fileName) {
        this.prefix = prefix;
        this.suffix = suffix;
        this.numberFormat = numberFormat;
        this.fileName = fileName;
    }

    /** @throws IllegalArgumentException naming the problem if there is not exactly one placeholder */
    static FramePattern parse(String pattern) {
        Matcher m = PLACEHOLDER.matcher(pattern);
        if (!m.find()) {
            throw new IllegalArgumentException("expected one placeholder {}, {:d} or {:05d} for the frame number, got '"
                    + pattern + "'");
        }
        String prefix = pattern.substring(0, m.start());
        String suffix = pattern.substring(m.end());
        if (PLACEHOLDER.matcher(suffix).find() || pattern.contains("/") || pattern.contains("\\")) {
            throw new IllegalArgumentException("expected a single file name with one frame-number placeholder, got '"
                    + pattern + "'");
        }
        String width = m.group(2) == null ? "" : m.group(2);
        String numberFormat = "%" + (m.group(1) == null ? "" : m.group(1)) + width + "d";
        Pattern fileName = Pattern.compile(Pattern.quote(prefix) + "\\d+" + Pattern.quote(suffix));
        return new FramePattern(prefix, suffix, numberFormat, fileName);
    }

    String fileName(int number) {
        return prefix + String.format(Locale.ROOT, numberFormat, number) + suffix;
    }

    boolean matches(String name) {
        return fileName.matcher(name).matches();
    }
}
