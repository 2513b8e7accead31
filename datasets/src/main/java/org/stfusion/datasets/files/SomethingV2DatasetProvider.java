package org.stfusion.datasets.files;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.MediaReader;

/**
 * {@code ssv2}: Something-Something V2 as distributed, one WebM (VP9) video {@code <id>.webm} per item. Keys of
 * the {@code dataset:} section, besides those of {@link ClipSettings} and {@link SomethingLayout} ({@code root},
 * {@code annotations}, {@code videoExtension}):
 * <ul>
 * <li>{@code labels}: JSON object class name → index (a string or a number), default {@code labels.json};</li>
 * <li>{@code train}, {@code val}: JSON arrays of {@code {"id", "label", "template", "placeholders"}}, defaults
 * {@code train.json}, {@code validation.json} (the older downloads call the three files
 * {@code something-something-v2-labels.json}, {@code -train.json}, {@code -validation.json}).</li>
 * </ul>
 * The class of an entry is its {@code template} without the brackets around the placeholders ("Holding
 * [something] next to [something]" → "Holding something next to something"), as mmaction2, PySlowFast and TSM
 * do; {@code label} is the instantiated caption and is not used. With {@code format: frames} (frames extracted by
 * the user) the default pattern is the paper code's {@code {:06d}.jpg}. Flip stays off unless asked for: the
 * classes come in left/right pairs. Entries without an id or template, unknown templates and ids leaving
 * {@code root} are left out and reported by {@code rejected} as {@code file:line:column}; a bad label file or
 * invalid JSON makes the dataset unusable.
 */
public final class SomethingV2DatasetProvider implements DatasetProvider {
    public static final String NAME = "ssv2";
    /** Storage format and frame names unless the section says otherwise (open and mediaReader alike). */
    private static final MediaFormat DEFAULT_FORMAT = MediaFormat.VIDEO;
    private static final String FRAME_PATTERN = "{:06d}.jpg";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Something-Something V2 (174 classes) from its WebM videos (or frames) and JSON lists";
    }

    /** Videos and frame folders read as this dataset's validation items ({@code stfusion predict}). */
    @Override
    public Optional<MediaReader> mediaReader(PluginConfig config) {
        return FileMediaReader.of(ClipSettings.read(config, DEFAULT_FORMAT, FRAME_PATTERN));
    }

    @Override
    public Dataset open(PluginConfig config) {
        SomethingLayout layout = SomethingLayout.read(config, DEFAULT_FORMAT, FRAME_PATTERN, "labels", "train",
                "val");
        Path annotations = layout.annotations();
        Map<String, Integer> labels = readLabels(ConfigPaths.file(config, "labels", annotations, "labels.json"));
        String[] classes = new String[labels.size()];
        labels.forEach((name, index) -> classes[index] = name);
        Path train = ConfigPaths.file(config, "train", annotations, "train.json");
        Path val = ConfigPaths.file(config, "val", annotations, "validation.json");
        return new FileClipDataset(layout.settings(), new Manifest(Arrays.asList(classes),
                readList(train, layout, labels), readList(val, layout, labels)));
    }

    /** Class name → index; the indices must be exactly 0..n-1. */
    private static Map<String, Integer> readLabels(Path file) {
        JsonNode root = parse(file);
        if (!root.isObject()) {
            throw new DataException(file + ": expected a JSON object {\"class name\": \"index\", ...}");
        }
        Map<String, Integer> labels = new HashMap<>();
        Map<Integer, String> byIndex = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            int index = index(e.getValue());
            if (index < 0 || index >= root.size()) {
                throw new DataException(file + ": class '" + e.getKey() + "' has index " + e.getValue()
                        + ", expected a whole number in 0.." + (root.size() - 1));
            }
            String earlier = byIndex.put(index, e.getKey());
            if (earlier != null) {
                throw new DataException(file + ": classes '" + earlier + "' and '" + e.getKey() + "' share index "
                        + index);
            }
            labels.put(e.getKey(), index);
        }
        return labels;
    }

    private static int index(JsonNode value) {
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            return value.intValue();
        }
        try {
            return value.isTextual() ? Integer.parseInt(value.textValue().strip()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static JsonNode parse(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new DataException(file + ": not valid JSON: " + e.getOriginalMessage() + locationOf(e));
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e);
        }
    }

    /** The entries of a train or validation list, read one by one so that each keeps its place in the file. */
    private static SplitItems readList(Path file, SomethingLayout layout, Map<String, Integer> labels) {
        SplitItems.Builder split = new SplitItems.Builder(file);
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new DataException(file + ": expected a JSON array of {\"id\", \"template\", ...} entries");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new DataException(file + ": the JSON array is not closed");
                }
                JsonLocation at = parser.currentTokenLocation();
                ListLine entry = new ListLine(file, at.getLineNr(), at.getColumnNr(), List.of());
                JsonNode node = JSON.readTree(parser);
                split.add(() -> item(entry, node, layout, labels));
            }
        } catch (JsonProcessingException e) {
            throw new DataException(file + ": not valid JSON: " + e.getOriginalMessage() + locationOf(e));
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e);
        }
        return split.build();
    }

    private static ClipItem item(ListLine entry, JsonNode node, SomethingLayout layout, Map<String, Integer> labels) {
        if (node == null || !node.isObject()) {
            throw entry.error("expected an object {\"id\", \"template\", ...}, got "
                    + (node == null ? "null" : node.getNodeType()));
        }
        String id = text(node, "id");
        if (id == null || id.isBlank()) {
            throw entry.error("no \"id\"");
        }
        String template = text(node, "template");
        if (template == null) {
            throw entry.error("id " + id + ": no \"template\"");
        }
        String className = template.replace("[", "").replace("]", "");
        Integer label = labels.get(className);
        if (label == null) {
            throw entry.error("id " + id + ": template '" + template + "' is not a class of the label file (as '"
                    + className + "')");
        }
        return new ClipItem(id, layout.item(entry, id), 0, label);
    }

    /** A text or number field, null if absent or of another type. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && (value.isTextual() || value.isNumber()) ? value.asText().strip() : null;
    }

    private static String locationOf(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
