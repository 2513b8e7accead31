package org.stfusion.core.execution;

import java.util.Optional;
import java.util.ServiceLoader;
import org.stfusion.api.config.ConfigException;
import org.stfusion.core.config.ExecutionSettings;

/** The execution engines this installation has, found with {@link ServiceLoader}. */
public final class ExecutionEngines {
    private ExecutionEngines() {
    }

    public static Optional<ExecutionProvider> find(String name) {
        ServiceLoader<ExecutionProvider> loader = ServiceLoader.load(ExecutionProvider.class,
                ExecutionEngines.class.getClassLoader());
        for (ExecutionProvider p : loader) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The provider of {@code settings.engine()}, or a config error saying how to install it. */
    public static ExecutionProvider require(ExecutionSettings settings) {
        String name = settings.engine().label();
        return find(name).orElseThrow(() -> new ConfigException(ExecutionSettings.SECTION + ".engine", name
                + " is not installed here: this installation has no stfusion-spark module and Apache Spark; install the "
                + "Spark flavour of stfusion (built with -Pspark), or set execution.engine: local"));
    }
}
