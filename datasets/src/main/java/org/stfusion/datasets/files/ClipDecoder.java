package org.stfusion.datasets.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Reads the frames of one item (a frame folder or a video file). The caller does not know in advance how many
 * frames an item really has, so it passes a rule that picks 0-based frame indices from the frame count.
 */
interface ClipDecoder {

    /**
     * Decodes the frames that {@code pick} chooses, in the order chosen (indices may repeat).
     *
     * @param frameCountHint the frame count a list file states, or a value below 1 if the decoder must find out
     * @param pick           frame count → indices in [0, frame count)
     * @throws IOException with a one-line reason if the item is missing, unreadable or has no frames
     */
    List<RgbFrame> decode(Path item, int frameCountHint, IntFunction<int[]> pick) throws IOException;
}
