package org.stfusion.api.data;

/**
 * One dataset item that could not be used: {@code source} names it the way a user finds it again (a list
 * file and line, or the item's id and path), {@code reason} says what was wrong in one line.
 */
public record BadItem(String source, String reason) {
    public BadItem {
        if (source == null || source.isBlank() || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a bad item needs a source and a reason");
        }
    }

    @Override
    public String toString() {
        return source + ": " + reason;
    }
}
