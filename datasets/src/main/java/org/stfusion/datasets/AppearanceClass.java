package org.stfusion.datasets;

import java.util.Locale;

/**
 * The appearance task's classes, in class-index order: a shape and the one colour channel that is bright
 * (the other two are dark). Any prefix of this list is a set of distinct shape/colour combinations, and the
 * first three differ in both shape and colour.
 */
enum AppearanceClass {
    RED_SQUARE(ObjectShape.SQUARE, 0),
    GREEN_PLUS(ObjectShape.PLUS, 1),
    BLUE_HOLLOW_SQUARE(ObjectShape.HOLLOW_SQUARE, 2),
    RED_X(ObjectShape.X, 0),
    GREEN_SQUARE(ObjectShape.SQUARE, 1),
    BLUE_PLUS(ObjectShape.PLUS, 2),
    RED_HOLLOW_SQUARE(ObjectShape.HOLLOW_SQUARE, 0),
    GREEN_X(ObjectShape.X, 1);

    final ObjectShape shape;
    final int brightChannel;

    AppearanceClass(ObjectShape shape, int brightChannel) {
        this.shape = shape;
        this.brightChannel = brightChannel;
    }

    String className() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
