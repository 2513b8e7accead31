package org.stfusion.core.plugins;

/**
 * One installed plugin as listed by {@code stfusion plugins}: its kind ({@code backbone}, {@code fusion-unit},
 * {@code dataset}, {@code reporter}), name, version, where it came from (module name, or jar path) and a
 * one-line description.
 */
public record PluginDescriptor(String kind, String name, String version, String source, String description) {
}
