package org.stfusion.api.data;

/** A dataset cannot be opened or read: names the file or item and the reason. Shown as one line. */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
