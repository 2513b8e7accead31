package org.stfusion.datasets.files;

import java.nio.file.Path;
import org.stfusion.api.config.PluginConfig;

/**
 * The keys shared by datasets distributed as a video folder plus a folder of split files (UCF101, HMDB51):
 * clip settings, {@code split} (1-3), {@code root} and {@code splits}; every other key is rejected.
 */
record SplitFolders(ClipSettings settings, int split, Path root, Path splits) {

    static SplitFolders read(PluginConfig config) {
        ClipSettings settings = ClipSettings.read(config);
        int split = config.getInt("split", 1, 1, 3);
        config.accept("name", "root", "splits");
        config.rejectUnknownKeys();
        return new SplitFolders(settings, split, ConfigPaths.folder(config, "root"), ConfigPaths.folder(config, "splits"));
    }
}
