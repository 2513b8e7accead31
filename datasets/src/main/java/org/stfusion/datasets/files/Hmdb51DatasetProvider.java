package org.stfusion.datasets.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.MediaReader;

/**
 * {@code hmdb51}: HMDB51 as distributed. Keys of the {@code dataset:} section, besides those of {@link ClipSettings}:
 * <ul>
 * <li>{@code root}: folder with {@code <class>/<name>.avi}, or with {@code format: frames} one frame folder
 * {@code <class>/<name>/} per video (with {@code format: zip} one archive {@code <class>/<name>.zip}); the
 * classes are its sub-folders in sorted order (as torchvision and mmaction2 number them);</li>
 * <li>{@code splits}: folder with {@code <class>_test_split<k>.txt}, lines {@code <name>.avi <tag>}, tag 1 = train,
 * 2 = test (the validation split), 0 = unused;</li>
 * <li>{@code split}: 1, 2 or 3 (default 1).</li>
 * </ul>
 * Malformed lines, unknown tags and names leaving the class folder are left out when the dataset is opened and
 * reported by {@code rejected}, naming the file and line; a class folder without its split file, or one that is a
 * symbolic link out of {@code root}, makes the dataset unusable.
 */
public final class Hmdb51DatasetProvider implements DatasetProvider {
    public static final String NAME = "hmdb51";
    private static final String TRAIN = "1";
    private static final String TEST = "2";
    private static final String UNUSED = "0";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "HMDB51 (51 actions) from the official videos or frame folders and per-class split files";
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
        List<String> classes = classFolders(root);
        String splitFiles = splits.resolve("*_test_split" + split + ".txt").toString();
        SplitItems.Builder train = new SplitItems.Builder(splitFiles);
        SplitItems.Builder test = new SplitItems.Builder(splitFiles);
        for (int label = 0; label < classes.size(); label++) {
            String className = classes.get(label);
            Path file = splits.resolve(className + "_test_split" + split + ".txt");
            if (!Files.isRegularFile(file)) {
                throw new DataException("missing split file " + file + " for class folder " + root.resolve(className));
            }
            int classLabel = label;
            for (ListLine line : ListLine.readAll(file)) {
                // The tag chooses the split, so a rejected line counts against the split it was meant for.
                String tag = line.fields().size() == 2 ? line.field(1) : TRAIN;
                SplitItems.Builder target = tag.equals(TEST) ? test : train;
                target.add(() -> item(line, className, classLabel, root, settings));
            }
        }
        return new FileClipDataset(settings, new Manifest(classes, train.build(), test.build()));
    }

    /** The item of a training or test line, null for an unused one. */
    private static ClipItem item(ListLine line, String className, int label, Path root, ClipSettings settings) {
        line.requireFields(2, "name.avi tag");
        String tag = line.field(1);
        if (!tag.equals(TRAIN) && !tag.equals(TEST) && !tag.equals(UNUSED)) {
            throw line.error("expected tag 0 (unused), 1 (train) or 2 (test), got '" + tag + "'");
        }
        Path path = ItemPaths.locate(line, root.resolve(className), line.field(0), settings);
        return tag.equals(UNUSED) ? null : new ClipItem(className + "/" + line.field(0), path, 0, label);
    }

    /** The class folders; one linked out of the root is an error, as leaving it out would renumber the classes. */
    private static List<String> classFolders(Path root) {
        List<Path> folders;
        try (Stream<Path> entries = Files.list(root)) {
            folders = entries.filter(Files::isDirectory).toList();
            for (Path folder : folders) {
                Path real = RealPaths.outside(root, folder);
                if (real != null) {
                    throw new DataException("class folder " + folder + " leads out of the dataset root " + root
                            + " through a symbolic link, to " + real + "; point root at a folder that holds the data");
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot list the class folders of " + root + ": " + e);
        }
        return folders.stream().map(p -> p.getFileName().toString()).sorted().toList();
    }
}
