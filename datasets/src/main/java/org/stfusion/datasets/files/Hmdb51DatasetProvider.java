package org.stfusion.datasets.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;

/**
 * {@code hmdb51}: HMDB51 as distributed (datasets.md §1.2). Keys of the {@code dataset:} section, besides those of
 * {@link ClipSettings}:
 * <ul>
 * <li>{@code root}: folder with {@code <class>/<name>.avi}, or with {@code format: frames} one frame folder
 * {@code <class>/<name>/} per video; the classes are its sub-folders in sorted order (as torchvision and
 * mmaction2 number them);</li>
 * <li>{@code splits}: folder with {@code <class>_test_split<k>.txt}, lines {@code <name>.avi <tag>}, tag 1 = train,
 * 2 = test (the validation split), 0 = unused;</li>
 * <li>{@code split}: 1, 2 or 3 (default 1).</li>
 * </ul>
 * A missing split file, malformed lines, unknown tags and names leaving the class folder are rejected when the
 * dataset is opened, naming the file and line.
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

    @Override
    public Dataset open(PluginConfig config) {
        SplitFolders folders = SplitFolders.read(config);
        ClipSettings settings = folders.settings();
        int split = folders.split();
        Path root = folders.root();
        Path splits = folders.splits();
        List<String> classes = classFolders(root);
        List<ClipItem> train = new ArrayList<>();
        List<ClipItem> test = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            String className = classes.get(label);
            Path file = splits.resolve(className + "_test_split" + split + ".txt");
            if (!Files.isRegularFile(file)) {
                throw new DataException("missing split file " + file + " for class folder " + root.resolve(className));
            }
            for (ListLine line : ListLine.readAll(file)) {
                line.requireFields(2, "name.avi tag");
                String id = className + "/" + line.field(0);
                ClipItem item = new ClipItem(id, ItemPaths.locate(line, root.resolve(className), line.field(0),
                        settings.format()), 0, label);
                switch (line.field(1)) {
                    case TRAIN -> train.add(item);
                    case TEST -> test.add(item);
                    case UNUSED -> { }
                    default -> throw line.error("expected tag 0 (unused), 1 (train) or 2 (test), got '"
                            + line.field(1) + "'");
                }
            }
        }
        return new FileClipDataset(settings, new Manifest(classes, train, test));
    }

    private static List<String> classFolders(Path root) {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list the class folders of " + root + ": " + e);
        }
    }
}
