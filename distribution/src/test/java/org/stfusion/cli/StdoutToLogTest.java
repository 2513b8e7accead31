package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

class StdoutToLogTest {

    @Test
    void oneEventPerNonBlankLine() {
        List<String> logged = new ArrayList<>();
        Logger logger = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (p, m, a) -> {
                    if (m.getName().equals("log") && a.length == 2 && a[0] == Level.INFO && a[1] instanceof String s) {
                        logged.add(s);
                    }
                    return null;
                });
        try (PrintStream ps = new PrintStream(new StdoutToLog(logger, Level.INFO, StandardCharsets.UTF_8), true,
                StandardCharsets.UTF_8)) {
            ps.println("Added differentiated op add_12");
            ps.print("two\r\nparts ");
            ps.println();
            ps.println("   ");
            ps.print("p̄ unterminated");
        }
        assertEquals(List.of("Added differentiated op add_12", "two", "parts ", "p̄ unterminated"), logged);
        assertTrue(StdoutToLog.LOGGER.startsWith("stfusion."), "not under org.stfusion: never on the console");
    }
}
