package org.stfusion.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Counts the tasks Spark ran, through {@code spark.extraListeners}: what a test asserts ran on Spark did. */
public final class TaskCounter extends SparkListener {
    static final AtomicInteger SUCCEEDED = new AtomicInteger();
    static final AtomicInteger FAILED = new AtomicInteger();

    /** The {@code --set} override that registers this listener with the context a run starts. */
    static final String OVERRIDE = "execution.conf={spark.extraListeners: " + TaskCounter.class.getName() + "}";

    static void reset() {
        SUCCEEDED.set(0);
        FAILED.set(0);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        (end.reason() == Success$.MODULE$ ? SUCCEEDED : FAILED).incrementAndGet();
    }
}
