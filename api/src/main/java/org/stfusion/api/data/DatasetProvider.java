package org.stfusion.api.data;

import java.util.Optional;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;

/** Service provider for a dataset; reads its keys from the {@code dataset:} config section. */
public interface DatasetProvider extends NamedProvider {
    Dataset open(PluginConfig config);

    /**
     * A reader of media outside the dataset's lists (a video, a frame folder) that prepares them as this dataset
     * prepares its validation items, from the same {@code dataset:} section {@link #open} takes. It reads only the keys
     * that say how clips are made (frames, stride, size, testSize, ...), so the dataset's lists and root need not
     * exist, and leaves the others alone (the section was checked when the run was made). Empty, the default, for a
     * dataset with no media to read, such as one that generates its clips.
     */
    default Optional<MediaReader> mediaReader(PluginConfig config) {
        return Optional.empty();
    }
}
