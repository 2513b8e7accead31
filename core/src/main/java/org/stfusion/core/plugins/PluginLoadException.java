package org.stfusion.core.plugins;

import org.stfusion.api.config.ConfigException;

/**
 * A plugin cannot be loaded or registered: a jar in the plugins folder that does not open, does not resolve or
 * declares no provider; a provider with an invalid name; two providers with the same name. The message is one
 * line naming the jar, module or class and the cause, so the CLI shows it like a configuration mistake (exit
 * code 2, no stack trace); the original exception, if any, is kept as the cause for the log.
 */
public class PluginLoadException extends ConfigException {
    private static final long serialVersionUID = 1L;
    private final String source;

    public PluginLoadException(String source, String message) {
        this(source, message, null);
    }

    public PluginLoadException(String source, String message, Throwable cause) {
        super(null, message);
        this.source = source == null ? "" : source;
        if (cause != null) {
            initCause(cause);
        }
    }

    /** Where the failing plugin came from (jar path or module name), or an empty string. */
    public String source() {
        return source;
    }
}
