package org.stfusion.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.config.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Experiment YAML as plain trees (maps, lists, strings, numbers, booleans, nulls): SnakeYAML (through Jackson)
 * parses, and this class builds the tree from its tokens, refusing what an experiment never needs but a typo or a
 * hostile file produces, each with the line and column:
 * <ul>
 * <li>a key given twice in one section (YAML forbids it; parsers keep the last one silently);</li>
 * <li>aliases ({@code *name}): Jackson reads them as the anchor's name, a silent wrong value (and no alias
 * means no "billion laughs"); {@code extends:} is how files share settings;</li>
 * <li>tags ({@code !name}, {@code !!java...}), which Jackson would otherwise ignore;</li>
 * <li>more than one document, nesting deeper than {@value #MAX_DEPTH} levels (no stack overflow whatever the
 * input), more than {@value #MAX_CODE_POINTS} characters, and files that are not UTF-8.</li>
 * </ul>
 * YAML's special floats ({@code .nan}, {@code .inf}), which Jackson cannot convert, become NaN and infinities so
 * that the key that reads them can say what it expected.
 */
final class YamlTrees {
    /** Far deeper than any experiment (about 4 levels), far shallower than a stack overflow. */
    static final int MAX_DEPTH = 64;
    /** Experiment files are a few kilobytes. */
    static final int MAX_CODE_POINTS = 1 << 20;

    private static final YAMLFactory FACTORY = factory();

    private YamlTrees() {
    }

    private static YAMLFactory factory() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_CODE_POINTS);
        // SnakeYAML's own nesting limit is enforced by its composer, which Jackson does not use: Jackson's is, as a
        // backstop behind the check in value(), which names the place.
        return YAMLFactory.builder().loaderOptions(loader)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 8).build())
                .build();
    }

    /**
     * The tree of a YAML file; null for an empty one.
     *
     * @throws ConfigException naming the file, and the line and column where there is one
     */
    static Object readFile(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException("", "config file " + file + " is a folder, not a YAML file");
            }
            if (Files.size(file) > 4L * MAX_CODE_POINTS) { // UTF-8 takes at most 4 bytes a character
                throw new ConfigException("", file + ": too large for an experiment file (" + Files.size(file)
                        + " bytes; at most " + MAX_CODE_POINTS + " characters)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "config file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new ConfigException("", "cannot read config file " + file + ": permission denied");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read config file " + file + ": " + e.getMessage());
        }
        return read(file.toString(), utf8(file, bytes));
    }

    /** The tree of a file's text, or a ConfigException naming the file, line and column. */
    static Object read(String source, String text) {
        try {
            return parse(text);
        } catch (Problem e) {
            String where = e.line < 1 ? "" : ":" + e.line + ":" + e.column;
            throw new ConfigException("", source + where + ": " + e.getMessage());
        }
    }

    /**
     * A {@code --set} value: the tree of {@code text}, null for {@code ~}.
     *
     * @throws ConfigException for {@code key}, quoting the value and saying where it goes wrong
     */
    static Object readValue(String key, String text) {
        try {
            return parse(text);
        } catch (Problem e) {
            String shown = text.length() <= 40 ? text : text.substring(0, 37) + "...";
            String where = e.line > 1 ? " at line " + e.line + ", column " + e.column
                    : e.column > 0 ? " at column " + e.column : "";
            throw new ConfigException(key, "cannot use the --set value '" + shown.replace("\n", "\\n") + "'" + where
                    + ": " + e.getMessage());
        }
    }

    private static Object parse(String text) throws Problem {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                return null;
            }
            Object tree = value(p, 0);
            if (p.nextToken() != null) {
                throw problem(p, "a second YAML document ('---'): an experiment file holds one");
            }
            return tree;
        } catch (Problem e) {
            throw e;
        } catch (JsonProcessingException e) {
            // SnakeYAML marks where the problem is; Jackson's location is where the construct it was in started
            if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark at = marked.getProblemMark();
                throw new Problem("not valid YAML: " + describe(marked), at.getLine() + 1, at.getColumn() + 1);
            }
            JsonLocation at = e.getLocation();
            throw new Problem("not valid YAML: " + describe(e.getOriginalMessage()), at == null ? 0 : at.getLineNr(),
                    at == null ? 0 : at.getColumnNr());
        } catch (IOException e) {
            throw new Problem("cannot be read: " + e.getMessage(), 0, 0);
        }
    }

    /** The value starting at the current token. */
    private static Object value(JsonParser p, int depth) throws IOException {
        JsonToken token = p.currentToken();
        refuseAliasesAndTags(p);
        if (depth > MAX_DEPTH) {
            throw problem(p, "nested more than " + MAX_DEPTH + " levels deep");
        }
        switch (token) {
            case START_OBJECT:
                return map(p, depth);
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p, depth + 1));
                }
                return list;
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return floatValue(p);
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw problem(p, "unexpected " + token);
        }
    }

    private static Map<String, Object> map(JsonParser p, int depth) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            int line = p.currentTokenLocation().getLineNr();
            if (map.containsKey(key)) {
                throw problem(p, "duplicate key '" + key + "' (first given on line " + lines.get(key) + ")");
            }
            lines.put(key, line);
            p.nextToken();
            map.put(key, value(p, depth + 1));
        }
        return map;
    }

    /** Jackson parses {@code 1e400} as infinity but cannot convert YAML's {@code .nan} and {@code .inf}. */
    private static Object floatValue(JsonParser p) throws IOException {
        String text = p.getText().strip();
        switch (text) {
            case ".nan", ".NaN", ".NAN":
                return Double.NaN;
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
                return Double.POSITIVE_INFINITY;
            case "-.inf", "-.Inf", "-.INF":
                return Double.NEGATIVE_INFINITY;
            default:
                return p.getDoubleValue();
        }
    }

    private static void refuseAliasesAndTags(JsonParser p) throws IOException {
        if (p instanceof YAMLParser yaml) {
            if (yaml.isCurrentAlias()) {
                throw problem(p, "YAML aliases (*" + p.getText() + ") are not supported: repeat the value, or put "
                        + "shared settings in a base file named by extends:");
            }
            String tag = yaml.getTypeId();
            if (tag != null) {
                throw problem(p, "YAML tags (!" + tag.replace("tag:yaml.org,2002:", "!") + ") are not supported: "
                        + "write the plain value");
            }
        }
    }

    /** Strict UTF-8: a Latin-1 or binary file is named as such, not read as garbage. */
    private static String utf8(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new ConfigException("", file + ":" + line + ": not UTF-8 text (byte 0x"
                    + String.format("%02X", bytes[at] & 0xFF) + " at offset " + at + "): save the file as UTF-8");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark is allowed
    }

    private static Problem problem(JsonParser p, String message) {
        JsonLocation at = p.currentTokenLocation();
        return new Problem(message, at.getLineNr(), at.getColumnNr());
    }

    /**
     * SnakeYAML's problem, after the construct it was in and where that started when it is one that opens and
     * closes (a quote, a bracket): "while scanning a quoted scalar started at line 3, column 7: found unexpected
     * end of stream".
     */
    private static String describe(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? describe(e.getMessage()) : e.getProblem().strip();
        String context = e.getContext();
        if (context == null) {
            return problem;
        }
        Mark start = e.getContextMark();
        boolean opened = start != null && (context.startsWith("while scanning a") || context.startsWith("while parsing a"));
        return context.strip() + (opened ? " started at line " + (start.getLine() + 1) + ", column " + (start.getColumn() + 1) : "")
                + ": " + problem;
    }

    /**
     * SnakeYAML's message on one line: its sentences without the "in 'reader', line ..." marks and the quoted
     * source lines under them (the location is given separately).
     */
    private static String describe(String message) {
        if (message == null) {
            return "";
        }
        if (message.startsWith("Expected a field name")) { // Jackson's words for a complex key (? [a, b])
            return "a key must be plain text, not a list or a section";
        }
        return message.lines().filter(l -> !l.startsWith(" in ") && !l.startsWith("    ")).map(String::strip)
                .filter(l -> !l.isEmpty()).collect(java.util.stream.Collectors.joining("; "));
    }

    /** A structural problem at a place in the text. */
    private static final class Problem extends IOException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        Problem(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }
    }
}
