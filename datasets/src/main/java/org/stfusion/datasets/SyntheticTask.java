package org.stfusion.datasets;

import java.util.Locale;

/** What the class of a synthetic clip is. */
enum SyntheticTask {
    /** Class = direction of motion; every single frame has the same law for every class. */
    MOTION,
    /** Class = shape and colour of the object; its direction is random, so one frame is enough. */
    APPEARANCE;

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SyntheticTask fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
