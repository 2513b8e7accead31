package org.stfusion.core.predict;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.MediaReader;
import org.stfusion.api.model.Shape;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCalls;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.UserException;

/**
 * Videos and frame folders as a network's input: decoded, sampled, cropped and normalised by the run's dataset plugin
 * ({@link DatasetProvider#mediaReader}) exactly as it prepares a validation item, into every evaluation view. Core
 * knows no decoder; the run's {@code dataset:} section (in its {@code config.yaml}, or in a model file's sidecar) says
 * which plugin and which clip settings.
 */
public final class MediaInput {
    private MediaInput() {
    }

    /** The reader of the dataset plugin {@code config} names, from its section; empty if that plugin reads no media. */
    public static Optional<MediaReader> reader(PluginCatalog plugins, ExperimentConfig config) {
        PluginConfig section = config.dataset();
        DatasetProvider provider = plugins.datasets().get(section.key("name"), section.getString("name", null));
        return PluginCalls.call(plugins, PluginCatalog.DATASET, provider, "preparing its media reader",
                () -> provider.mediaReader(section));
    }

    /**
     * Every view of {@code media}, [views, C, T, H, W] float. Media the reader cannot read are one {@link UserException}
     * line naming the file and why.
     */
    public static INDArray views(MediaReader reader, Path media) {
        List<float[]> views;
        try {
            views = reader.views(media);
        } catch (BadItemException e) {
            throw new UserException(e.item().source() + ": " + e.item().reason(), e);
        }
        Shape shape = reader.viewShape();
        long values = (long) shape.channels() * shape.frames() * shape.height() * shape.width();
        if (views.isEmpty() || views.stream().anyMatch(v -> v == null || v.length != values)) {
            throw new IllegalStateException("the dataset's media reader gave " + views.size() + " views of " + media
                    + " that are not " + shape);
        }
        float[] all = new float[Math.toIntExact(values * views.size())];
        for (int v = 0; v < views.size(); v++) {
            System.arraycopy(views.get(v), 0, all, (int) (v * values), (int) values);
        }
        return Nd4j.create(all, new long[] {views.size(), shape.channels(), shape.frames(), shape.height(),
                shape.width()}, 'c');
    }
}
