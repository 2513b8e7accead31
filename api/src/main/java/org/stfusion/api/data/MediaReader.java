package org.stfusion.api.data;

import java.nio.file.Path;
import java.util.List;
import org.stfusion.api.model.Shape;

/**
 * Reads media that are not items of a dataset's lists (a video file or a frame folder a user names) exactly as the
 * dataset reads a validation item: decoded, sampled, cropped and normalised per its {@code dataset:} section, as
 * every evaluation view ({@link Dataset#views}, in the same order). {@code stfusion predict} classifies videos and
 * frame folders through it. Made by {@link DatasetProvider#mediaReader}; safe to call from several threads.
 */
public interface MediaReader {

    /** The shape of every view, C x T x H x W: that of the dataset's validation clips ({@link Dataset#inputSpec(Split)}). */
    Shape viewShape();

    /** What this reads, for a message: e.g. "a video file (FFmpeg) or a frame folder (img_00001.jpg, ...)". */
    String accepts();

    /**
     * The evaluation views of {@code media}, each C x T x H x W values ({@link #viewShape()}).
     *
     * @throws BadItemException naming {@code media}, with a one-line reason, when it is missing, unreadable or not
     *                          media this reader takes
     */
    List<float[]> views(Path media);
}
