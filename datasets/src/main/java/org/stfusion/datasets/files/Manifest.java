package org.stfusion.datasets.files;

import java.util.List;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Split;

/**
 * Class names (index = label) and the items of both splits, as read and checked from a dataset's lists. Fewer than
 * two classes, or no training item at all, make the dataset unusable: both throw {@link DataException}.
 */
record Manifest(List<String> classNames, SplitItems train, SplitItems validation) {
    Manifest {
        if (classNames.size() < 2) {
            throw new DataException("found " + classNames.size() + " classes " + classNames
                    + "; a classifier needs at least 2");
        }
        classNames = List.copyOf(classNames);
        if (train.items().isEmpty()) {
            List<BadItem> rejected = train.rejected();
            throw new DataException(train.source() + ": no training items"
                    + (rejected.isEmpty() ? "" : "; all " + rejected.size() + " entries were left out, the first: "
                    + rejected.get(0)));
        }
    }

    List<ClipItem> items(Split split) {
        return split(split).items();
    }

    List<BadItem> rejected(Split split) {
        return split(split).rejected();
    }

    private SplitItems split(Split split) {
        return split == Split.TRAIN ? train : validation;
    }
}
