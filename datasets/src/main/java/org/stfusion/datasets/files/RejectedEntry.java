package org.stfusion.datasets.files;

import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.DataException;

/**
 * One list entry that cannot become an item (too few fields, an unknown label, a path leaving the root, a missing
 * Kinetics clip). Providers catch it per entry and report it through {@code Dataset.rejected}; where an entry is
 * essential (a line of a class index) it propagates as the {@link DataException} it is, naming the same place.
 */
final class RejectedEntry extends DataException {
    private static final long serialVersionUID = 1L;

    private final BadItem item;

    RejectedEntry(BadItem item) {
        super(item.toString());
        this.item = item;
    }

    BadItem item() {
        return item;
    }
}
