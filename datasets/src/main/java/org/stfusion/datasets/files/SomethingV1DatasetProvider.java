package org.stfusion.datasets.files;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code ssv1}: Something-Something V1 as distributed (only as JPEG frames), {@code <id>/00001.jpg, ...}.
 * Keys of the {@code dataset:} section, besides those of {@link ClipSettings} and {@link SomethingLayout}
 * ({@code root}, {@code annotations}, {@code videoExtension}):
 * <ul>
 * <li>{@code labels}: one class name per line, label = line order (default
 * {@code something-something-v1-labels.csv});</li>
 * <li>{@code train}, {@code val}: lines {@code <id>;<class name>} (defaults
 * {@code something-something-v1-train.csv}, {@code something-something-v1-validation.csv}).</li>
 * </ul>
 * The files are taken relative to {@code annotations} unless absolute. Defaults differ from the other datasets:
 * {@code format: frames}, {@code framePattern: "{:05d}.jpg"}. Flip stays off unless asked for: the classes come in
 * left/right pairs. Lines without a {@code ;}, unknown class names and ids leaving {@code root} are left out and
 * reported by {@code rejected}; a bad label file makes the dataset unusable.
 */
public final class SomethingV1DatasetProvider implements DatasetProvider {
    public static final String NAME = "ssv1";
    /** Storage format and frame names unless the section says otherwise (open and mediaReader alike). */
    private static final MediaFormat DEFAULT_FORMAT = MediaFormat.FRAMES;
    private static final String FRAME_PATTERN = "{:05d}.jpg";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Something-Something V1 (174 classes) from its JPEG frame folders and ;-separated CSV lists";
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
        List<String> classes = readLabels(ConfigPaths.file(config, "labels", annotations,
                "something-something-v1-labels.csv"));
        Map<String, Integer> labels = new HashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            labels.put(classes.get(k), k);
        }
        Path train = ConfigPaths.file(config, "train", annotations, "something-something-v1-train.csv");
        Path val = ConfigPaths.file(config, "val", annotations, "something-something-v1-validation.csv");
        return new FileClipDataset(layout.settings(), new Manifest(classes, readList(train, layout, labels),
                readList(val, layout, labels)));
    }

    /** Class names in file order (mmaction2; the official file is sorted, so TSM's sorting gives the same). */
    private static List<String> readLabels(Path file) {
        List<String> classes = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ListLine line : ListLine.readAll(file, text -> List.of(text))) {
            String name = line.field(0);
            Integer earlier = seen.put(name, line.number());
            if (earlier != null) {
                throw new DataException(line.where() + ": class '" + name + "' is listed twice (also line "
                        + earlier + ")");
            }
            classes.add(name);
        }
        return classes;
    }

    private static SplitItems readList(Path file, SomethingLayout layout, Map<String, Integer> labels) {
        SplitItems.Builder split = new SplitItems.Builder(file);
        for (ListLine line : ListLine.readAll(file, text -> List.of(text.split(";", -1)))) {
            split.add(() -> {
                line.requireFields(2, "id;class name");
                String id = line.field(0).strip();
                String className = line.field(1).strip();
                Integer label = labels.get(className);
                if (label == null) {
                    throw line.error("class '" + className + "' is not in the label file");
                }
                if (id.isEmpty()) {
                    throw line.error("no id before the ';'");
                }
                return new ClipItem(id, layout.item(line, id), 0, label);
            });
        }
        return split.build();
    }
}
