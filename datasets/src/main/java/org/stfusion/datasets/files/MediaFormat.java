package org.stfusion.datasets.files;

import java.util.Locale;

/**
 * How items are stored: one video file, one folder of frame images, or one zip archive of frame images per item.
 */
enum MediaFormat {
    VIDEO, FRAMES, ZIP;

    /** The {@code format} config value: {@code video}, {@code frames} or {@code zip}. */
    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static MediaFormat fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
