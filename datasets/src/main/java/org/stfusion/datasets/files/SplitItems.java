package org.stfusion.datasets.files;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.stfusion.api.data.BadItem;

/**
 * The items of one split and the entries left out of it; {@code source} names where the entries came from (a list
 * file, or a folder of split files) for messages about the split as a whole.
 */
record SplitItems(String source, List<ClipItem> items, List<BadItem> rejected) {
    SplitItems {
        items = List.copyOf(items);
        rejected = List.copyOf(rejected);
    }

    /** Collects a split entry by entry. */
    static final class Builder {
        private final String source;
        private final List<ClipItem> items = new ArrayList<>();
        private final List<BadItem> rejected = new ArrayList<>();

        Builder(Object source) {
            this.source = source.toString();
        }

        /** Adds the item {@code entry} makes (none if it gives null: an entry of no split), or its rejection. */
        void add(Supplier<ClipItem> entry) {
            try {
                ClipItem item = entry.get();
                if (item != null) {
                    items.add(item);
                }
            } catch (RejectedEntry e) {
                rejected.add(e.item());
            }
        }

        void reject(BadItem item) {
            rejected.add(item);
        }

        SplitItems build() {
            return new SplitItems(source, items, rejected);
        }
    }
}
