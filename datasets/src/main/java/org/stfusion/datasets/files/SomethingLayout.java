package org.stfusion.datasets.files;

import java.nio.file.Path;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/**
 * The keys shared by the Something-Something datasets, whose items are named by a numeric id directly under
 * {@code root}: clip settings, {@code root} (item {@code <id>} is the frame folder {@code root/<id>/}, the archive
 * {@code root/<id>.zip} or the video {@code root/<id>.<videoExtension>}), {@code annotations} (the folder of the
 * label and split files, default {@code root}) and {@code videoExtension} (default {@code webm}).
 */
record SomethingLayout(ClipSettings settings, Path root, Path annotations, String videoExtension) {

    /** Reads the shared keys, accepts the dataset's own {@code fileKeys} and rejects every other key. */
    static SomethingLayout read(PluginConfig config, MediaFormat defaultFormat, String defaultFramePattern,
                                String... fileKeys) {
        ClipSettings settings = ClipSettings.read(config, defaultFormat, defaultFramePattern);
        String extension = config.getString("videoExtension", "webm");
        if (!extension.matches("[A-Za-z0-9]{1,8}")) {
            throw new ConfigException(config.key("videoExtension"), "expected a file extension such as webm or mp4, "
                    + "without the dot, got '" + extension + "'");
        }
        config.accept("name", "root", "annotations");
        config.accept(fileKeys);
        config.rejectUnknownKeys();
        Path root = ConfigPaths.folder(config, "root");
        Path annotations = ConfigPaths.folder(config, "annotations", root);
        return new SomethingLayout(settings, root, annotations, extension);
    }

    /** The media of item {@code id}; an id that leaves {@code root} is rejected. */
    Path item(ListLine entry, String id) {
        return ItemPaths.locate(entry, root, id + "." + videoExtension, settings);
    }
}
