package org.stfusion.core.config;

import java.io.IOException;
import java.nio.file.Files;
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
    /** Longest chain of files extending each other: real ones are two or three deep. */
    static final int MAX_CHAIN = 16;

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
        if (chain.size() == MAX_CHAIN) {
            throw new ConfigException(EXTENDS, "more than " + MAX_CHAIN + " files extend each other, from "
                    + chain.get(0).shown() + " to " + file + ": shorten the chain");
        }
        chain.add(new Link(identity, file));
        Map<String, Object> tree = readTree(file);
        // a file key is relative to the file that names it, as extends is; absolute from here on
        InflateSettings.resolve(tree, file.toAbsolutePath().getParent());
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
        Object value = YamlTrees.readFile(yaml);
        if (value == null) {
            return new LinkedHashMap<>();
        }
        if (!(value instanceof Map)) {
            throw new ConfigException("", yaml + ": expected key: value lines at the top level, got "
                    + (value instanceof List ? "a list" : "a single value"));
        }
        return (Map<String, Object>) value;
    }
}
