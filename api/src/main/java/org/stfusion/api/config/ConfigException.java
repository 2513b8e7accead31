package org.stfusion.api.config;

/**
 * A user mistake in a configuration: names the key (dotted path, e.g. {@code backbone.growth}) and what was
 * expected. The CLI prints it as one line and exits with code 2; it is never shown as a stack trace.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, String message) {
        super(key == null || key.isEmpty() ? message : key + ": " + message);
        this.key = key;
    }

    /** The dotted key path the problem is about, or an empty string for the whole file. */
    public String key() {
        return key == null ? "" : key;
    }
}
