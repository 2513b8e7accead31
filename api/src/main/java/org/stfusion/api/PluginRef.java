package org.stfusion.api;

/** A plugin as recorded in checkpoints and results: its kind, name and version. */
public record PluginRef(String kind, String name, String version) {

    public static PluginRef of(String kind, NamedProvider provider) {
        return new PluginRef(kind, provider.name(), provider.version());
    }

    @Override
    public String toString() {
        return kind + " " + name + "@" + version;
    }
}
