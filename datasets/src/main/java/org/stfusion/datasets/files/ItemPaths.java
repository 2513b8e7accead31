package org.stfusion.datasets.files;

import java.nio.file.Path;
import java.util.Locale;

/** Where a listed video lives in each storage format: the file itself, or a frame folder named like it. */
final class ItemPaths {
    private ItemPaths() {
    }

    /** {@code Class/v_x.avi} → the video, or the frame folder {@code Class/v_x} (mmaction2 rawframes layout). */
    static Path locate(ListLine line, Path root, String listedPath, MediaFormat format) {
        if (format == MediaFormat.VIDEO) {
            return line.inside(root, listedPath);
        }
        int dot = listedPath.lastIndexOf('.');
        boolean hasExtension = dot > listedPath.lastIndexOf('/') + 1
                && listedPath.substring(dot + 1).toLowerCase(Locale.ROOT).matches("[a-z0-9]{2,4}");
        return line.inside(root, hasExtension ? listedPath.substring(0, dot) : listedPath);
    }
}
