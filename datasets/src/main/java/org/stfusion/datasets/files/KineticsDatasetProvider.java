package org.stfusion.datasets.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.MediaReader;

/**
 * {@code kinetics}: Kinetics-400/600/700 as downloaded by the usual tools (torchvision, mmaction2). Keys of the
 * {@code dataset:} section, besides those of {@link ClipSettings}:
 * <ul>
 * <li>{@code root}: the dataset folder;</li>
 * <li>{@code train}, {@code val}: the official annotation CSVs (relative to {@code root} unless absolute); columns
 * are found by header name: {@code label}, {@code youtube_id}, {@code time_start}, {@code time_end} (others, such
 * as {@code split} and {@code is_cc}, are ignored);</li>
 * <li>{@code trainVideos}, {@code valVideos}: folders under {@code root} (default {@code train} and {@code val})
 * holding {@code <label with spaces as _>/<youtube_id>_<time_start:06d>_<time_end:06d>.mp4}, or with
 * {@code format: frames} a frame folder of that name without {@code .mp4} ({@code format: zip}: an archive
 * {@code .zip}).</li>
 * </ul>
 * Classes are the sorted labels of the training CSV. Some clips are always gone from YouTube, so a row whose clip
 * is missing is left out, like malformed rows, unknown validation labels and unsafe ids, and reported by
 * {@code rejected} naming the file and line. Decode failures of clips that exist surface in {@code clip()} as a
 * {@code BadItemException} naming the item.
 */
public final class KineticsDatasetProvider implements DatasetProvider {
    public static final String NAME = "kinetics";
    private static final String[] COLUMNS = {"label", "youtube_id", "time_start", "time_end"};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Kinetics 400/600/700 from the annotation CSVs and <class>/<id>_<start>_<end>.mp4 clips";
    }

    /** Videos and frame folders read as this dataset's validation items ({@code stfusion predict}). */
    @Override
    public Optional<MediaReader> mediaReader(PluginConfig config) {
        return FileMediaReader.of(ClipSettings.read(config));
    }

    @Override
    public Dataset open(PluginConfig config) {
        ClipSettings settings = ClipSettings.read(config);
        String trainVideos = config.getString("trainVideos", "train");
        String valVideos = config.getString("valVideos", "val");
        config.accept("name", "root", "train", "val");
        config.rejectUnknownKeys();
        Path root = ConfigPaths.folder(config, "root");
        CsvTable train = CsvTable.read(ConfigPaths.file(config, "train", root), COLUMNS);
        CsvTable val = CsvTable.read(ConfigPaths.file(config, "val", root), COLUMNS);
        List<String> classes = new ArrayList<>(new TreeSet<>(train.rows().stream()
                .map(row -> train.get(row, "label")).toList()));
        return new FileClipDataset(settings, new Manifest(classes,
                readSplit(train, root.resolve(trainVideos), classes, settings),
                readSplit(val, root.resolve(valVideos), classes, settings)));
    }

    private static SplitItems readSplit(CsvTable table, Path videos, List<String> classes, ClipSettings settings) {
        Map<String, Integer> labels = new HashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            labels.put(classes.get(k), k);
        }
        SplitItems.Builder split = new SplitItems.Builder(table.file());
        table.rejected().forEach(split::reject);
        for (ListLine row : table.rows()) {
            split.add(() -> item(table, row, videos, labels, settings));
        }
        return split.build();
    }

    private static ClipItem item(CsvTable table, ListLine row, Path videos, Map<String, Integer> labels,
                                 ClipSettings settings) {
        String label = table.get(row, "label");
        Integer index = labels.get(label);
        if (index == null) {
            throw row.error("label '" + label + "' is not a class of the training CSV");
        }
        String id = table.get(row, "youtube_id");
        if (!id.matches("[A-Za-z0-9_-]+")) {
            throw row.error("expected a YouTube id of letters, digits, - and _, got '" + id + "'");
        }
        String clip = label.replace(' ', '_') + "/" + String.format(Locale.ROOT, "%s_%06d_%06d.mp4", id,
                seconds(table, row, "time_start"), seconds(table, row, "time_end"));
        Path path = ItemPaths.locate(row, videos, clip, settings);
        if (!ItemPaths.exists(path, settings.format())) {
            throw row.error("clip missing: " + path);
        }
        return new ClipItem(clip, path, 0, index);
    }

    private static int seconds(CsvTable table, ListLine row, String column) {
        String value = table.get(row, column);
        try {
            int seconds = Integer.parseInt(value);
            if (seconds >= 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw row.error("expected whole seconds for " + column + ", got '" + value + "'");
    }
}
