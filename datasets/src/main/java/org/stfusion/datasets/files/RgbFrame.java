package org.stfusion.datasets.files;

/** One decoded frame: {@code rgb} holds width × height pixels row by row, three bytes (r, g, b) each. */
record RgbFrame(int width, int height, byte[] rgb) {
    RgbFrame {
        if (width < 1 || height < 1 || rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("frame of " + width + "x" + height + " with " + rgb.length + " bytes");
        }
    }
}
