package org.stfusion.datasets.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.MediaReader;

/**
 * {@code ucf101}: UCF101 as distributed. Keys of the {@code dataset:} section, besides those of {@link ClipSettings}:
 * <ul>
 * <li>{@code root}: the {@code UCF-101} folder with {@code <Class>/v_<Class>_gGG_cCC.avi}, or with
 * {@code format: frames} a folder with one frame folder {@code <Class>/v_<Class>_gGG_cCC/} per video (with
 * {@code format: zip} one archive {@code <Class>/v_<Class>_gGG_cCC.zip});</li>
 * <li>{@code splits}: the {@code ucfTrainTestlist} folder with {@code classInd.txt} ({@code <1-based index> <Class>}),
 * {@code trainlist0N.txt} ({@code <Class>/<file>.avi <1-based index>}) and {@code testlist0N.txt} (path only);</li>
 * <li>{@code split}: 1, 2 or 3 (default 1); the test list is the validation split.</li>
 * </ul>
 * The class of an item is the class of its directory component, matched case-insensitively because the official
 * files mix {@code HandstandPushups} and {@code HandStandPushups}; a training label that disagrees with the
 * directory is left out. Lines may end in CRLF. Malformed lines, unknown classes and paths leaving {@code root} are
 * left out when the dataset is opened and reported by {@code rejected}, naming the list file and line; a bad
 * {@code classInd.txt} makes the dataset unusable.
 */
public final class Ucf101DatasetProvider implements DatasetProvider {
    public static final String NAME = "ucf101";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "UCF101 (101 actions) from the official videos or frame folders and train/test split lists";
    }

    /** Videos and frame folders read as this dataset's validation items ({@code stfusion predict}). */
    @Override
    public Optional<MediaReader> mediaReader(PluginConfig config) {
        return FileMediaReader.of(ClipSettings.read(config));
    }

    @Override
    public Dataset open(PluginConfig config) {
        SplitFolders folders = SplitFolders.read(config);
        ClipSettings settings = folders.settings();
        int split = folders.split();
        Path root = folders.root();
        Path splits = folders.splits();
        List<String> classes = readClassIndex(ConfigPaths.existingFile(config, "splits",
                splits.resolve("classInd.txt")));
        Path train = ConfigPaths.existingFile(config, "splits", splits.resolve("trainlist0" + split + ".txt"));
        Path test = ConfigPaths.existingFile(config, "splits", splits.resolve("testlist0" + split + ".txt"));
        ClassLookup lookup = new ClassLookup(classes);
        return new FileClipDataset(settings, new Manifest(classes,
                readList(train, true, root, settings, lookup),
                readList(test, false, root, settings, lookup)));
    }

    private static List<String> readClassIndex(Path file) {
        List<String> classes = new ArrayList<>();
        for (ListLine line : ListLine.readAll(file)) {
            line.requireFields(2, "index ClassName");
            int index = line.intField(0, "class index");
            if (index != classes.size() + 1) {
                throw line.error("expected class index " + (classes.size() + 1) + " (1-based, in order), got " + index);
            }
            classes.add(line.field(1));
        }
        return classes;
    }

    /** Training lines carry a 1-based label; test lines only the path (a label there is checked, too). */
    private static SplitItems readList(Path file, boolean labelled, Path root, ClipSettings settings,
                                      ClassLookup lookup) {
        SplitItems.Builder split = new SplitItems.Builder(file);
        for (ListLine line : ListLine.readAll(file)) {
            split.add(() -> item(line, labelled, root, settings, lookup));
        }
        return split.build();
    }

    private static ClipItem item(ListLine line, boolean labelled, Path root, ClipSettings settings,
                                 ClassLookup lookup) {
        if (labelled) {
            line.requireFields(2, "Class/file.avi label");
        } else if (line.fields().size() > 2) {
            line.requireFields(1, "Class/file.avi");
        }
        String path = line.field(0);
        int slash = path.indexOf('/');
        if (slash < 1) {
            throw line.error("expected a path 'Class/file.avi', got '" + path + "'");
        }
        int label = lookup.label(line, path.substring(0, slash));
        if (line.fields().size() == 2) {
            int listed = line.intField(1, "label") - 1;
            if (listed != label) {
                throw line.error("label " + (listed + 1) + " disagrees with the directory '"
                        + path.substring(0, slash) + "', class " + (label + 1) + " in classInd.txt");
            }
        }
        return new ClipItem(path, ItemPaths.locate(line, root, path, settings), 0, label);
    }

    /** Class name → 0-based label, ignoring case. */
    private static final class ClassLookup {
        private final Map<String, Integer> labels = new HashMap<>();

        ClassLookup(List<String> classes) {
            for (int k = 0; k < classes.size(); k++) {
                labels.put(classes.get(k).toLowerCase(Locale.ROOT), k);
            }
        }

        int label(ListLine line, String className) {
            Integer label = labels.get(className.toLowerCase(Locale.ROOT));
            if (label == null) {
                throw line.error("class '" + className + "' is not in classInd.txt");
            }
            return label;
        }
    }
}
