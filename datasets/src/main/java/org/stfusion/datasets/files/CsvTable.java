package org.stfusion.datasets.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.data.DataException;

/**
 * A comma-separated file with a header row; columns are found by name, because the column sets differ between
 * releases (Kinetics 400 adds {@code is_cc}, test files lack {@code label}). Fields may be double-quoted.
 */
final class CsvTable {
    private final Map<String, Integer> columns;
    private final List<ListLine> rows;

    private CsvTable(Map<String, Integer> columns, List<ListLine> rows) {
        this.columns = columns;
        this.rows = rows;
    }

    static CsvTable read(Path file, String... requiredColumns) {
        List<ListLine> parsed = ListLine.readAll(file, CsvTable::split);
        if (parsed.isEmpty()) {
            throw new DataException(file + ": empty, expected a header row");
        }
        ListLine header = parsed.get(0);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            columns.put(header.field(i).strip(), i);
        }
        for (String column : requiredColumns) {
            if (!columns.containsKey(column)) {
                throw header.error("no column '" + column + "' in the header " + header.fields());
            }
        }
        for (ListLine row : parsed.subList(1, parsed.size())) {
            row.requireFields(header.fields().size(), String.join(",", header.fields()));
        }
        return new CsvTable(columns, parsed.subList(1, parsed.size()));
    }

    List<ListLine> rows() {
        return rows;
    }

    String get(ListLine row, String column) {
        return row.field(columns.get(column)).strip();
    }

    /** Splits the original text of the line at commas outside double quotes; {@code ""} inside quotes is a quote. */
    private static List<String> split(String text) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated double quote");
        }
        fields.add(field.toString());
        return fields;
    }
}
