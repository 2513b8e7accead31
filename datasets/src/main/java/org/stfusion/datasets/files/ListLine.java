package org.stfusion.datasets.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.DataException;

/**
 * One non-blank line of a list file, split into fields (CRLF endings and surrounding spaces are ignored), or one
 * entry of a JSON list, placed by the line and column where it starts ({@code column} 0 for list lines). Problems
 * with an entry are {@link RejectedEntry}s naming {@code file:line} or {@code file:line:column}.
 */
record ListLine(Path file, int number, int column, List<String> fields) {

    ListLine(Path file, int number, List<String> fields) {
        this(file, number, 0, fields);
    }

    /** Lines split on whitespace. */
    static List<ListLine> readAll(Path file) {
        return readAll(file, text -> List.of(text.split("\\s+")));
    }

    /** Lines split by {@code splitter}. A missing or unreadable file is a whole-dataset problem. */
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
                out.add(new ListLine(file, i + 1, splitter.apply(text)));
            }
        }
        return out;
    }

    /** {@code file:line[:column]}, the way editors and compilers name a place. */
    String where() {
        return file + ":" + number + (column > 0 ? ":" + column : "");
    }

    String field(int index) {
        return fields.get(index);
    }

    RejectedEntry error(String reason) {
        return new RejectedEntry(new BadItem(where(), reason));
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

    /**
     * {@code root}/{@code relative}, rejecting absolute paths, paths that climb out of {@code root} and paths that
     * lead out of it through a symbolic link (the real path of the item, or of its deepest existing folder, must lie
     * in the real path of {@code root}).
     */
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
        Path real;
        try {
            real = RealPaths.outside(root, resolved);
        } catch (IOException e) {
            throw error("cannot follow path '" + relative + "': " + e.getMessage());
        }
        if (real != null) {
            throw error("path '" + relative + "' leads out of the dataset root " + root
                    + " through a symbolic link, to " + real);
        }
        return resolved;
    }
}
