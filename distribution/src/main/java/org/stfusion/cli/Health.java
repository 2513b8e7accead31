package org.stfusion.cli;

/**
 * One finding of {@code stfusion doctor}: a status, what was checked, what was found and, for a problem, how to
 * fix it.
 */
record Health(Status status, String topic, String message, String fix) {

    enum Status {
        OK, WARN, FAIL
    }

    static Health ok(String topic, String message) {
        return new Health(Status.OK, topic, message, null);
    }

    static Health warn(String topic, String message, String fix) {
        return new Health(Status.WARN, topic, message, fix);
    }

    static Health fail(String topic, String message, String fix) {
        return new Health(Status.FAIL, topic, message, fix);
    }

    /** {@code FAIL  plugins  <what was found>; fix: <what to do>}, on one line. */
    String line() {
        String text = String.format("%-4s  %-7s  %s", status, topic, message);
        return StfusionCli.oneLine(fix == null ? text : text + "; fix: " + fix);
    }
}
