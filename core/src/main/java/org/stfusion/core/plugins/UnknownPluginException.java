package org.stfusion.core.plugins;

import java.util.List;
import org.stfusion.api.config.ConfigException;

/**
 * A configuration names a plugin that is not installed, e.g.
 * {@code backbone.name: unknown backbone 'x'; available: densenet3d, tiny-c3d}.
 */
public class UnknownPluginException extends ConfigException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final String name;
    private final List<String> available;

    public UnknownPluginException(String configKey, String kind, String name, List<String> available) {
        this(configKey, kind, name, available, List.of());
    }

    /**
     * @param unloadedJars why each plugin jar that failed to load did (one line each, naming the jar): one of
     *                     them may be the plugin wanted
     */
    public UnknownPluginException(String configKey, String kind, String name, List<String> available,
                                  List<String> unloadedJars) {
        super(configKey, message(kind, name, available) + unloaded(unloadedJars));
        this.kind = kind;
        this.name = name;
        this.available = List.copyOf(available);
    }

    private static String unloaded(List<String> jars) {
        if (jars.isEmpty()) {
            return "";
        }
        return jars.size() == 1 ? "; it may be in a plugin jar that failed to load: " + jars.get(0)
                : "; it may be in one of " + jars.size() + " plugin jars that failed to load: " + String.join("; ", jars);
    }

    private static String message(String kind, String name, List<String> available) {
        String names = available.isEmpty() ? "none" : String.join(", ", available);
        if (name == null || name.isBlank()) {
            return "no " + kind + " named; available: " + names;
        }
        return "unknown " + kind + " '" + name + "'; available: " + names;
    }

    /** The plugin kind, e.g. {@code backbone}. */
    public String kind() {
        return kind;
    }

    /** The name that did not resolve (may be null or blank when the key was missing). */
    public String name() {
        return name;
    }

    /** The installed names of this kind, sorted. */
    public List<String> available() {
        return available;
    }
}
