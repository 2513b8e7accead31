package org.stfusion.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.config.ConfigException;

/**
 * Experiment files that build on others, as mmaction2's {@code _base_} does: a top-level {@code extends: base.yaml}
 * (relative to the file that names it) starts from that file's tree, which may itself extend another. Sections
 * (maps) merge key by key with the extending file winning; lists and plain values are replaced whole, so that a
 * child can shorten a parent's list. The merged tree no longer holds {@code extends}: it is self-contained, which
 * is what a run directory saves.
 */
final class ConfigInheritance {
    /** The top-level key naming the file this one builds on. */
    static final String EXTENDS = "extends";

    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    private ConfigInheritance() {
    }

    /** {@code file}'s tree merged over the chain of files it extends. */
    static Map<String, Object> read(Path file) {
        return read(file, null, new ArrayList<>());
    }

    /** A file being read: what identifies it, and its path as reached, for messages. */
    private record Link(Path identity, Path shown) {
    }

    /**
     * @param referrer the file whose {@code extends} named {@code file}, null for the file the user gave
     * @param chain    the files being read, outermost first, to refuse a cycle
     */
    private static Map<String, Object> read(Path file, Path referrer, List<Link> chain) {
        if (referrer != null && !Files.isRegularFile(file)) {
            throw new ConfigException(EXTENDS, file + ", named by " + referrer + ", "
                    + (Files.exists(file) ? "is not a file" : "does not exist"));
        }
        Path identity = identity(file);
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).identity().equals(identity)) {
                List<String> cycle = new ArrayList<>();
                chain.subList(i, chain.size()).forEach(link -> cycle.add(link.shown().toString()));
                cycle.add(file.toString());
                throw new ConfigException(EXTENDS, "the files extend each other in a cycle: " + String.join(" extends ", cycle));
            }
        }
        chain.add(new Link(identity, file));
        Map<String, Object> tree = readTree(file);
        Object base = tree.remove(EXTENDS);
        if (base == null) {
            return tree;
        }
        if (!(base instanceof String name) || name.isBlank()) {
            throw new ConfigException(EXTENDS, file + ": expected the name of one experiment file, e.g. extends: base.yaml");
        }
        Path dir = file.getParent() != null ? file.getParent() : Path.of("");
        Map<String, Object> parent = read(dir.resolve(name).normalize(), file, chain);
        return merge(parent, tree);
    }

    /** {@code child} over {@code parent}: sections merge key by key, anything else in the child replaces the parent's. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> parent, Map<String, Object> child) {
        Map<String, Object> merged = new LinkedHashMap<>(parent);
        child.forEach((key, value) -> {
            Object inherited = merged.get(key);
            if (value instanceof Map<?, ?> section && inherited instanceof Map<?, ?> base) {
                merged.put(key, merge((Map<String, Object>) base, (Map<String, Object>) section));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /** The same file reached by another relative path, or through a link, must be recognised in a cycle. */
    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    /** One YAML file as a tree of maps, lists and values; an empty file is an empty tree. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readTree(Path yaml) {
        try {
            Object value = YAML.readValue(yaml.toFile(), Object.class);
            if (value == null) {
                return new LinkedHashMap<>();
            }
            if (!(value instanceof Map)) {
                throw new ConfigException("", yaml + ": expected key: value lines at the top level");
            }
            return (Map<String, Object>) value;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new ConfigException("", yaml + where + ": not valid YAML: " + e.getOriginalMessage());
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "config file " + yaml + " does not exist");
        } catch (IOException e) {
            if (!Files.exists(yaml)) {
                throw new ConfigException("", "config file " + yaml + " does not exist");
            }
            throw new ConfigException("", "cannot read config file " + yaml + ": " + e.getMessage());
        }
    }
}
