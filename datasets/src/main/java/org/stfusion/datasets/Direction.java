package org.stfusion.datasets;

import java.util.Locale;

/** A unit step on the image grid; the motion task's classes, in class-index order. */
enum Direction {
    RIGHT(0, 1), LEFT(0, -1), DOWN(1, 0), UP(-1, 0);

    final int dy;
    final int dx;

    Direction(int dy, int dx) {
        this.dy = dy;
        this.dx = dx;
    }

    String className() {
        return name().toLowerCase(Locale.ROOT);
    }
}
