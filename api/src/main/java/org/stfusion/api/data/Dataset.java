package org.stfusion.api.data;

import java.util.List;
import org.stfusion.api.model.InputSpec;

/**
 * An opened dataset. Clips come out already sampled, augmented and normalised; {@code clip} may be called
 * from several threads at once. Randomness (crop position, temporal jitter) comes only from {@code seed},
 * so the same (split, index, seed) gives the same clip.
 */
public interface Dataset extends AutoCloseable {

    /** Clip shape and class count the network is built for. */
    InputSpec inputSpec();

    List<String> classNames();

    int size(Split split);

    Clip clip(Split split, int index, long seed);

    /** A short fingerprint of the item list and labels, so that two copies of a dataset are told apart. */
    String manifestHash();

    @Override
    default void close() {
    }
}
