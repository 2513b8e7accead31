package org.stfusion.reporters;

import java.util.Locale;

/** Escaping (for text and double-quoted attributes) and number formats for the HTML report. */
final class Html {
    private Html() {
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The start of a report page up to its open {@code <body>}: metadata, title and the style sheet. */
    static String pageStart(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"color-scheme\" content=\"light dark\">"
                + "<title>" + escape(title) + "</title><style>" + ReportStyle.CSS + "</style></head><body>\n";
    }

    static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }
}
