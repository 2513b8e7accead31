package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConsoleFormatTest {

    @Test
    void durations() {
        assertEquals("0:12", ConsoleFormat.duration(12.4));
        assertEquals("2:05", ConsoleFormat.duration(125));
        assertEquals("1:02:03", ConsoleFormat.duration(3723));
        assertEquals("--:--", ConsoleFormat.duration(Double.NaN));
        assertEquals("--:--", ConsoleFormat.duration(Double.POSITIVE_INFINITY));
    }

    @Test
    void bars() {
        assertEquals("[=====>    ]", ConsoleFormat.bar(0.5, 10));
        assertEquals("[====]", ConsoleFormat.bar(1, 4));
        assertEquals("[>  ]", ConsoleFormat.bar(0, 3));
        assertEquals("[====]", ConsoleFormat.bar(1.7, 4));
    }

    @Test
    void numbers() {
        assertEquals("0.05", ConsoleFormat.significant(0.05));
        assertEquals("0.000125", ConsoleFormat.significant(0.000125));
        assertEquals("100", ConsoleFormat.significant(100));
        assertEquals("265,697", ConsoleFormat.grouped(265_697));
        assertEquals("91.2%", ConsoleFormat.percent(0.9123));
        assertEquals("-", ConsoleFormat.percent(null));
        assertEquals("0.123", ConsoleFormat.gmacs(123_456_789));
    }

    @Test
    void truncationMarksTheCut() {
        assertEquals("abc", ConsoleFormat.truncate("abc", 3));
        assertEquals("ab…", ConsoleFormat.truncate("abcd", 3));
    }
}
