package org.stfusion.core.plugins;

/**
 * A plugin from a jar in the plugins folder threw something other than a configuration or data error while the
 * experiment created it: one line naming the plugin, its jar and what it threw (the stack trace stays in the
 * cause, for the log). Like every {@link PluginLoadException} the CLI shows it as a mistake to fix (exit code 2):
 * the user can update or remove the jar; stfusion cannot.
 */
public class PluginFailedException extends PluginLoadException {
    private static final long serialVersionUID = 1L;

    public PluginFailedException(String jar, String message, Throwable cause) {
        super(jar, message, cause);
    }
}
