package org.stfusion.api.data;

/**
 * One item cannot be read (missing, empty, truncated or corrupt media, an unreadable frame). Unlike a plain
 * {@link DataException}, it spoils only this item: the run skips it, counts it and lists it in its results.
 */
public class BadItemException extends DataException {
    private static final long serialVersionUID = 1L;

    private final BadItem item;

    public BadItemException(BadItem item, Throwable cause) {
        super(item.toString(), cause);
        this.item = item;
    }

    public BadItemException(BadItem item) {
        this(item, null);
    }

    public BadItem item() {
        return item;
    }
}
