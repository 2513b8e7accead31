package org.stfusion.core.run;

/**
 * A file the user asked for (results, a checkpoint, a report, a network file) could not be written: a full
 * disk, missing permissions. Shown as one line naming the file and the cause, with its own exit code, because
 * it is not a mistake in the command: the same command succeeds once the disk has room.
 */
public class OutputException extends UserException {
    private static final long serialVersionUID = 1L;

    public OutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
