package org.stfusion.datasets.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Where a listed item lives in each storage format: the video itself, a frame folder or a frame archive. */
final class ItemPaths {
    private ItemPaths() {
    }

    /**
     * {@code Class/v_x.avi} → the video, the frame folder {@code Class/v_x} (mmaction2 rawframes layout) or the
     * archive {@code Class/v_x.zip} ({@code Class/v_x/<zipName>} if set); a path leaving {@code root} is rejected.
     */
    static Path locate(ListLine line, Path root, String videoPath, ClipSettings settings) {
        return switch (settings.format()) {
            case VIDEO -> line.inside(root, videoPath);
            case FRAMES -> line.inside(root, withoutExtension(videoPath));
            case ZIP -> archive(line, root, videoPath, settings);
        };
    }

    /** The frame archive of an item listed as {@code path}: itself if it ends in {@code .zip}, else as above. */
    static Path archive(ListLine line, Path root, String path, ClipSettings settings) {
        if (path.toLowerCase(Locale.ROOT).endsWith(".zip") && settings.zipName() == null) {
            return line.inside(root, path);
        }
        String item = withoutExtension(path);
        return line.inside(root, settings.zipName() == null ? item + ".zip" : item + "/" + settings.zipName());
    }

    /** Whether the item's media are there: a file, or for frames a folder. */
    static boolean exists(Path item, MediaFormat format) {
        return format == MediaFormat.FRAMES ? Files.isDirectory(item) : Files.isRegularFile(item);
    }

    private static String withoutExtension(String path) {
        int dot = path.lastIndexOf('.');
        boolean hasExtension = dot > path.lastIndexOf('/') + 1
                && path.substring(dot + 1).toLowerCase(Locale.ROOT).matches("[a-z0-9]{2,4}");
        return hasExtension ? path.substring(0, dot) : path;
    }
}
