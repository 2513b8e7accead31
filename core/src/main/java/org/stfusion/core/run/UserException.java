package org.stfusion.core.run;

/**
 * A problem the user can fix (a missing run directory, a checkpoint that does not match the config, a plugin
 * that no longer resolves): shown as one line, exit code 2, never as a stack trace.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
