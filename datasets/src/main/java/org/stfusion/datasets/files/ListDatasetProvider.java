package org.stfusion.datasets.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.MediaReader;

/**
 * {@code list}: any dataset described by two list files in the mmaction2/TSN style. Keys of the {@code dataset:}
 * section, besides those of {@link ClipSettings}:
 * <ul>
 * <li>{@code root}: folder the list paths are relative to;</li>
 * <li>{@code train}, {@code val}: list files (relative to {@code root} unless absolute), one item per line:
 * {@code path num_frames label} for {@code format: frames} and {@code format: zip} (the TSN/TSM lists; the archive
 * is {@code path.zip}, or {@code path/<zipName>}), {@code path label} for {@code format: video}; labels are
 * 0-based;</li>
 * <li>{@code classes}: the number of classes (named "0", "1", ...), or a file (relative to {@code root}) with one
 * class name per line, line order = label.</li>
 * </ul>
 * Malformed lines, labels outside the classes and paths leaving {@code root} (also through a symbolic link) are
 * left out when the dataset is opened and reported by {@code rejected}, naming the list file and line.
 */
public final class ListDatasetProvider implements DatasetProvider {
    public static final String NAME = "list";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Generic clip lists (path [num_frames] label) over video files or JPEG/PNG frame folders";
    }

    /** Videos and frame folders read as this dataset's validation items ({@code stfusion predict}). */
    @Override
    public Optional<MediaReader> mediaReader(PluginConfig config) {
        return FileMediaReader.of(ClipSettings.read(config));
    }

    @Override
    public Dataset open(PluginConfig config) {
        ClipSettings settings = ClipSettings.read(config);
        config.accept("name", "root", "train", "val", "classes");
        config.rejectUnknownKeys();
        Path root = ConfigPaths.folder(config, "root");
        List<String> classes = readClasses(config, root);
        Path train = ConfigPaths.file(config, "train", root);
        Path val = ConfigPaths.file(config, "val", root);
        return new FileClipDataset(settings, new Manifest(classes, readList(train, root, settings, classes),
                readList(val, root, settings, classes)));
    }

    private static List<String> readClasses(PluginConfig config, Path root) {
        String value = config.getString("classes", null);
        if (value == null) {
            throw new ConfigException(config.key("classes"), "required: a class count or a file of class names");
        }
        if (value.strip().matches("\\d+")) {
            int count = config.getInt("classes", 0, 2, 1_000_000);
            List<String> names = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                names.add(Integer.toString(k));
            }
            return names;
        }
        Path file = ConfigPaths.file(config, "classes", root);
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ListLine line : ListLine.readAll(file)) {
            String name = String.join(" ", line.fields());
            if (!seen.add(name)) {
                throw line.error("class '" + name + "' is listed twice");
            }
            names.add(name);
        }
        return names;
    }

    private static SplitItems readList(Path file, Path root, ClipSettings settings, List<String> classes) {
        SplitItems.Builder split = new SplitItems.Builder(file);
        for (ListLine line : ListLine.readAll(file)) {
            split.add(() -> item(line, root, settings, classes));
        }
        return split.build();
    }

    private static ClipItem item(ListLine line, Path root, ClipSettings settings, List<String> classes) {
        int frameCount = 0;
        int labelField = 1;
        if (settings.format() == MediaFormat.VIDEO) {
            line.requireFields(2, "path label");
        } else {
            line.requireFields(3, "path num_frames label");
            frameCount = line.intField(1, "frame count");
            if (frameCount < 1) {
                throw line.error("expected a frame count of at least 1, got " + frameCount);
            }
            labelField = 2;
        }
        int label = line.intField(labelField, "label");
        if (label < 0 || label >= classes.size()) {
            throw line.error("label " + label + " is not one of the " + classes.size() + " classes (0.."
                    + (classes.size() - 1) + ")");
        }
        String id = line.field(0);
        Path path = settings.format() == MediaFormat.ZIP ? ItemPaths.archive(line, root, id, settings)
                : line.inside(root, id);
        return new ClipItem(id, path, frameCount, label);
    }
}
