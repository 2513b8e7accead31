package org.stfusion.datasets.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.stfusion.api.data.DataException;

/** One non-blank line of a list file, split into fields; CRLF endings and surrounding spaces are ignored. */
record ListLine(Path file, int number, List<String> fields) {

    /** Lines split on whitespace. */
    static List<ListLine> readAll(Path file) {
        return readAll(file, text -> List.of(text.split("\\s+")));
    }

    /** Lines split by {@code splitter}, which throws IllegalArgumentException for a line it cannot split. */
    static List<ListLine> readAll(Path file, Function<String, List<String>> splitter) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException("cannot read list file " + file + ": " + e);
        }
        List<ListLine> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (!text.isEmpty()) {
                try {
                    out.add(new ListLine(file, i + 1, splitter.apply(text)));
                } catch (IllegalArgumentException e) {
                    throw new DataException(file + ":" + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** {@code file:line}, the way editors and compilers name a place. */
    String where() {
        return file + ":" + number;
    }

    String field(int index) {
        return fields.get(index);
    }

    DataException error(String reason) {
        return new DataException(where() + ": " + reason);
    }

    void requireFields(int count, String form) {
        if (fields.size() != count) {
            throw error("expected " + count + (count == 1 ? " field" : " fields") + " '" + form + "', got "
                    + fields.size() + ": '" + String.join(" ", fields) + "'");
        }
    }

    int intField(int index, String what) {
        try {
            return Integer.parseInt(fields.get(index));
        } catch (NumberFormatException e) {
            throw error("expected a whole number for the " + what + ", got '" + fields.get(index) + "'");
        }
    }

    /** {@code root}/{@code relative}, rejecting absolute paths and paths that climb out of {@code root}. */
    Path inside(Path root, String relative) {
        Path rel;
        try {
            rel = Path.of(relative);
        } catch (InvalidPathException e) {
            throw error("'" + relative + "' is not a valid path: " + e.getReason());
        }
        Path resolved = root.resolve(rel).normalize();
        if (rel.isAbsolute() || !resolved.startsWith(root.normalize())) {
            throw error("path '" + relative + "' leaves the dataset root " + root);
        }
        return resolved;
    }
}
