package org.stfusion.datasets;

import java.util.Locale;

/** What the class of a synthetic clip is. */
enum SyntheticTask {
    /** Class = direction of motion; every single frame has the same law for every class. */
    MOTION,
    /** Class = shape and colour of the object; its direction is random, so one frame is enough. */
    APPEARANCE,
    /**
     * Class = appearance class x direction of a few one-pixel objects moving one pixel a frame. The appearance
     * object and the distractors move in random directions, so the coarse motion in a clip says nothing; the
     * class's motion is visible only at the finest spatial scale.
     */
    SCALE;

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SyntheticTask fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
