package org.stfusion.reporters;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Short forms of a strategy's units for one-line display: counts such as {@code S+ST×5 ST×3 S×1}, and one
 * character per fusion position (the paper's S, ST, S+ST and none have fixed codes; other unit names get a
 * free letter, which {@link #legend()} explains).
 */
final class UnitCodes {
    private static final Map<String, Character> PAPER_CODES = paperCodes();

    private final Map<String, Character> codes = new LinkedHashMap<>();

    /** Assigns a code to every unit that occurs in {@code strategies}. */
    UnitCodes(Collection<List<String>> strategies) {
        Set<String> units = new LinkedHashSet<>();
        strategies.forEach(units::addAll);
        PAPER_CODES.forEach((unit, code) -> {
            if (units.contains(unit)) {
                codes.put(unit, code);
            }
        });
        for (String unit : units) {
            codes.computeIfAbsent(unit, this::freeCode);
        }
    }

    /** Unit counts, most frequent first, e.g. {@code S+ST×5 ST×3 S×1}. */
    static String counts(List<String> units) {
        Map<String, Long> counts = units.stream()
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** One code per fusion position, in network order. */
    String sequence(List<String> units) {
        StringBuilder sequence = new StringBuilder(units.size());
        units.forEach(unit -> sequence.append(codes.get(unit)));
        return sequence.toString();
    }

    /** What each code stands for, e.g. {@code s=S t=ST b=S+ST}. */
    String legend() {
        return codes.entrySet().stream().map(e -> e.getValue() + "=" + e.getKey()).collect(Collectors.joining(" "));
    }

    private char freeCode(String unit) {
        String candidates = unit.toLowerCase(Locale.ROOT) + "abcdefghijklmnopqrstuvwxyz0123456789";
        for (char c : candidates.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128 && !codes.containsValue(c)) {
                return c;
            }
        }
        return '?';
    }

    private static Map<String, Character> paperCodes() {
        Map<String, Character> codes = new LinkedHashMap<>();
        codes.put("S", 's');
        codes.put("ST", 't');
        codes.put("S+ST", 'b');
        codes.put("none", '-');
        codes.put("skip", '.'); // layer gate D1 dropped: the layer adds nothing
        return codes;
    }
}
