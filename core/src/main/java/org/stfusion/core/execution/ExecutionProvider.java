package org.stfusion.core.execution;

import org.stfusion.core.config.ExecutionSettings;

/**
 * An execution engine other than this process, found with {@link java.util.ServiceLoader}: the {@code stfusion-spark}
 * module provides {@code spark}. Core's own business, not a plugin SPI: it is installed with stfusion, not dropped
 * into {@code plugins/}.
 */
public interface ExecutionProvider {

    /** The {@code execution.engine} value it serves, e.g. {@code spark}. */
    String name();

    /** The engine's version, e.g. Spark's. */
    String version();

    /** Connects to the engine as {@code settings} say; the caller closes it when its command ends. */
    Cluster open(ExecutionSettings settings);

    /**
     * Whether the engine's master can be reached, in words, without starting any work there (for {@code doctor}).
     */
    String reachability(ExecutionSettings settings);
}
