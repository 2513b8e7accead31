package org.stfusion.datasets.files;

/** How items are stored: one folder of frame images per item, or one video file per item. */
enum MediaFormat {
    FRAMES, VIDEO;

    static MediaFormat fromConfigName(String name) {
        return name.equals("frames") ? FRAMES : VIDEO;
    }
}
