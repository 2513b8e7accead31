package org.stfusion.datasets.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.DataException;

/**
 * A comma-separated file with a header row; columns are found by name, because the column sets differ between
 * releases (Kinetics 400 adds {@code is_cc}, test files lack {@code label}). Fields may be double-quoted. A bad
 * header makes the file unusable; a bad row (unterminated quote, wrong field count) is only left out.
 */
final class CsvTable {
    private final Path file;
    private final Map<String, Integer> columns;
    private final List<ListLine> rows;
    private final List<BadItem> rejected;

    private CsvTable(Path file, Map<String, Integer> columns, List<ListLine> rows, List<BadItem> rejected) {
        this.file = file;
        this.columns = columns;
        this.rows = rows;
        this.rejected = rejected;
    }

    static CsvTable read(Path file, String... requiredColumns) {
        List<ListLine> lines = ListLine.readAll(file, List::of);
        if (lines.isEmpty()) {
            throw new DataException(file + ": empty, expected a header row");
        }
        ListLine header = split(lines.get(0));
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            columns.put(header.field(i).strip(), i);
        }
        for (String column : requiredColumns) {
            if (!columns.containsKey(column)) {
                throw new DataException(header.where() + ": no column '" + column + "' in the header "
                        + header.fields());
            }
        }
        List<ListLine> rows = new ArrayList<>();
        List<BadItem> rejected = new ArrayList<>();
        for (ListLine line : lines.subList(1, lines.size())) {
            try {
                ListLine row = split(line);
                row.requireFields(header.fields().size(), String.join(",", header.fields()));
                rows.add(row);
            } catch (RejectedEntry e) {
                rejected.add(e.item());
            }
        }
        return new CsvTable(file, columns, List.copyOf(rows), List.copyOf(rejected));
    }

    Path file() {
        return file;
    }

    List<ListLine> rows() {
        return rows;
    }

    /** Rows that could not be split into the header's columns. */
    List<BadItem> rejected() {
        return rejected;
    }

    String get(ListLine row, String column) {
        return row.field(columns.get(column)).strip();
    }

    /** The line (read whole) split at commas outside double quotes; {@code ""} inside quotes is a quote. */
    private static ListLine split(ListLine whole) {
        String text = whole.field(0);
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
            throw whole.error("unterminated double quote");
        }
        fields.add(field.toString());
        return new ListLine(whole.file(), whole.number(), List.copyOf(fields));
    }
}
