package org.stfusion.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/**
 * Where the template's weights start ({@code backbone.inflate}, {@code backbone.inflatePartial}): a 2D network's
 * ImageNet weights as safetensors, inflated into the backbone (core reads these two keys of the backbone's
 * section, the plugin the rest), or, with no file, at random ("from scratch"). A relative path is relative to the
 * experiment file that names it (as {@code extends} is), or, given with {@code --set}, to the working directory;
 * loading makes it absolute, so a run directory's saved config names the same file from anywhere.
 *
 * @param file    the safetensors file, or null for a start from scratch
 * @param partial whether tensors the file lacks may leave their arrays at random (listed in the log and the run)
 */
public record InflateSettings(Path file, boolean partial) {
    static final String KEY = "inflate";
    static final String PARTIAL = "inflatePartial";

    static InflateSettings read(PluginConfig backbone) {
        backbone.accept(KEY, PARTIAL);
        String file = backbone.has(KEY) ? backbone.getString(KEY, null).strip() : null;
        if (file != null && file.isEmpty()) {
            throw new ConfigException(backbone.key(KEY), "expected the path of a safetensors file, got nothing");
        }
        boolean partial = backbone.has(PARTIAL) && backbone.getBoolean(PARTIAL, false);
        if (partial && file == null) {
            throw new ConfigException(backbone.key(PARTIAL), "only means something with " + backbone.key(KEY) + " set");
        }
        return new InflateSettings(file == null ? null : path(backbone.key(KEY), file), partial);
    }

    /** Whether the template starts from inflated 2D weights. */
    public boolean enabled() {
        return file != null;
    }

    /**
     * Makes a relative {@code backbone.inflate} of {@code tree} (one experiment file, or the merged tree with
     * overrides) absolute against {@code base}.
     */
    @SuppressWarnings("unchecked")
    static void resolve(Map<String, Object> tree, Path base) {
        if (tree.get("backbone") instanceof Map<?, ?> section && section.get(KEY) instanceof String value
                && !value.isBlank()) {
            Path path = path("backbone." + KEY, value.strip());
            if (!path.isAbsolute()) {
                ((Map<String, Object>) section).put(KEY, base.toAbsolutePath().resolve(path).normalize().toString());
            }
        }
    }

    private static Path path(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(key, "'" + value + "' is not a valid path: " + e.getReason());
        }
    }
}
