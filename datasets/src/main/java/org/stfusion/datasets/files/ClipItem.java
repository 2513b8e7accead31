package org.stfusion.datasets.files;

import java.nio.file.Path;

/**
 * One labelled item of a split: {@code id} is its path as the list names it (stable across copies of the
 * dataset), {@code path} where it is on this machine; {@code frameCount} is the count a list states, or 0 if the
 * decoder must find out.
 */
record ClipItem(String id, Path path, int frameCount, int label) {
}
