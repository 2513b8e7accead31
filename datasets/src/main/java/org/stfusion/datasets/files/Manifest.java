package org.stfusion.datasets.files;

import java.util.List;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Split;

/** Class names (index = label) and the items of both splits, as read and checked from a dataset's lists. */
record Manifest(List<String> classNames, List<ClipItem> train, List<ClipItem> validation) {
    Manifest {
        if (classNames.size() < 2) {
            throw new DataException("found " + classNames.size() + " classes " + classNames
                    + "; a classifier needs at least 2");
        }
        classNames = List.copyOf(classNames);
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    List<ClipItem> items(Split split) {
        return split == Split.TRAIN ? train : validation;
    }
}
