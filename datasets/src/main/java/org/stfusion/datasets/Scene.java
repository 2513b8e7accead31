package org.stfusion.datasets;

import java.util.List;

/**
 * Everything about one clip except its pixel noise: a static background (C x H x W, values in [0, 0.5]) and
 * the objects, painted in list order. The labelled object is last, so distractors never hide it.
 */
record Scene(float[] background, List<MovingObject> objects) {
}
