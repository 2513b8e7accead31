package org.stfusion.api.data;

import java.util.List;
import org.stfusion.api.model.InputSpec;

/**
 * An opened dataset. Clips come out already sampled, augmented and normalised; {@code clip} may be called
 * from several threads at once. Randomness (crop position, temporal jitter) comes only from {@code seed},
 * so the same (split, index, seed) gives the same clip.
 *
 * <p>Bad data never ends a run by itself: entries that cannot become items (a list line with too few fields,
 * an unknown label, a path leaving the dataset root, a missing clip) are left out when the dataset is opened
 * and returned by {@link #rejected}; an item whose media turn out unreadable throws {@link BadItemException}
 * from {@code clip}. The caller counts both against its limit. A plain {@link DataException} means the
 * dataset as a whole is unusable (a missing list file, no classes).
 */
public interface Dataset extends AutoCloseable {

    /** Clip shape and class count the network is built for: the shape of the training clips. */
    InputSpec inputSpec();

    /**
     * The shape of the clips and views of {@code split}. The training split's is {@link #inputSpec()}; the validation
     * split's may have another height and width (evaluation at another size than training, as the authors test at a
     * 256 px centre crop after training on 224 px crops; the built-in datasets' {@code testSize} key), never another
     * channel count, clip length or class count. The networks are convolutional up to a global pooling, so the same
     * weights score any size the backbone's downsampling leaves at least one pixel of. By default
     * {@link #inputSpec()} for both splits.
     */
    default InputSpec inputSpec(Split split) {
        return inputSpec();
    }

    List<String> classNames();

    int size(Split split);

    /** Throws {@link BadItemException} when this item's media cannot be read. */
    Clip clip(Split split, int index, long seed);

    /**
     * How many views the evaluation protocol takes of each item of {@code split} (e.g. 10 clips x 3 crops at
     * test time); the scorer averages the class probabilities over them. 1 unless configured.
     */
    default int views(Split split) {
        return 1;
    }

    /** View {@code view} (0-based, below {@link #views}) of an item; deterministic. */
    default Clip view(Split split, int index, int view) {
        if (view != 0) {
            throw new IndexOutOfBoundsException("view " + view + " of a dataset with one view per item");
        }
        return clip(split, index, 0);
    }

    /** Entries of {@code split} left out when the dataset was opened, with the reason for each. */
    default List<BadItem> rejected(Split split) {
        return List.of();
    }

    /** A short fingerprint of the item list and labels, so that two copies of a dataset are told apart. */
    String manifestHash();

    @Override
    default void close() {
    }
}
