package org.stfusion.api.report;

/**
 * Receives the run's events. An exception thrown here is logged by core and does not stop the run or the
 * other reporters.
 */
public interface Reporter extends AutoCloseable {
    void onEvent(RunEvent event) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
