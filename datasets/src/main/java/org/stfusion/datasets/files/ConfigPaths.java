package org.stfusion.datasets.files;

import java.nio.file.Files;
import java.nio.file.Path;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/** Required folder and file keys; a missing key or path is a config error naming the key. */
final class ConfigPaths {
    private ConfigPaths() {
    }

    static Path folder(PluginConfig config, String name) {
        Path path = Path.of(required(config, name)).toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) {
            throw new ConfigException(config.key(name), "no such folder: " + path);
        }
        return path;
    }

    /** A file; a relative path is taken relative to {@code base} (the dataset root). */
    static Path file(PluginConfig config, String name, Path base) {
        return existingFile(config, name, base.resolve(required(config, name)).normalize());
    }

    /** A file named by key {@code name} or {@code defaultName}; a relative path is taken relative to {@code base}. */
    static Path file(PluginConfig config, String name, Path base, String defaultName) {
        String value = config.getString(name, defaultName);
        if (value == null || value.isBlank()) {
            throw new ConfigException(config.key(name), "required, but not set");
        }
        return existingFile(config, name, base.resolve(value.strip()).normalize());
    }

    /** A folder named by key {@code name}, or {@code otherwise} if the key is not set. */
    static Path folder(PluginConfig config, String name, Path otherwise) {
        return config.has(name) ? folder(config, name) : otherwise;
    }

    static Path existingFile(PluginConfig config, String name, Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(config.key(name), "no such file: " + path);
        }
        return path;
    }

    private static String required(PluginConfig config, String name) {
        String value = config.getString(name, null);
        if (value == null || value.isBlank()) {
            throw new ConfigException(config.key(name), "required, but not set");
        }
        return value.strip();
    }
}
