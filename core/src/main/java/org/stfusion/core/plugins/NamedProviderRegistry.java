package org.stfusion.core.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.ConfigException;

/**
 * The installed providers of one kind, by name (after Lucene's {@code NamedSPILoader}). Names follow
 * {@value #NAME_RULE}; an invalid name or two providers with the same name are errors naming the classes and
 * where they came from, never a silent "first one wins". Lookups by a configured name fail with an
 * {@link UnknownPluginException} that lists what is installed. Immutable and thread-safe.
 *
 * @param <P> the service type
 */
public final class NamedProviderRegistry<P extends NamedProvider> {

    /** The grammar every provider name must match. */
    public static final String NAME_RULE = "^[a-z][a-z0-9_-]{0,63}$";

    private static final Pattern NAME_PATTERN = Pattern.compile(NAME_RULE);

    /** A discovered provider and where it came from: a module name, or a jar or directory path. */
    public record Registration<P extends NamedProvider>(P provider, String source) {
        public Registration {
            if (provider == null) {
                throw new IllegalArgumentException("provider is null");
            }
            source = source == null ? "unknown source" : source;
        }
    }

    private record Entry<P>(String name, P provider, String source) {
    }

    private final String kind;
    private final Map<String, Entry<P>> byName;
    /** Names that more than one provider declares (see {@link #lenient}): a lookup names them all. */
    private final Map<String, PluginLoadException> conflicts;
    /** Plugin jars that could not be loaded, any of which may have held a name that is not found. */
    private final List<PluginLoadException> unloadedJars;

    /**
     * Registers {@code registrations} in order.
     *
     * @param kind the plugin kind used in messages, e.g. {@code backbone}
     * @throws PluginLoadException if a name is invalid or used twice
     */
    public NamedProviderRegistry(String kind, Collection<Registration<P>> registrations) {
        this.kind = kind;
        Map<String, Entry<P>> map = new TreeMap<>();
        for (Registration<P> r : registrations) {
            String name = nameOf(kind, r);
            Entry<P> previous = map.get(name);
            if (previous != null) {
                throw new PluginLoadException(r.source(), "duplicate " + kind + " name '" + name + "': "
                        + previous.provider().getClass().getName() + " from " + previous.source() + " and "
                        + r.provider().getClass().getName() + " from " + r.source() + "; remove one of them");
            }
            map.put(name, new Entry<>(name, r.provider(), r.source()));
        }
        this.byName = map;
        this.conflicts = Map.of();
        this.unloadedJars = List.of();
    }

    private NamedProviderRegistry(String kind, Map<String, Entry<P>> byName, Map<String, PluginLoadException> conflicts,
                                  List<PluginLoadException> unloadedJars) {
        this.kind = kind;
        this.byName = byName;
        this.conflicts = conflicts;
        this.unloadedJars = List.copyOf(unloadedJars);
    }

    /**
     * Registers what can be registered, so that one bad plugin does not stop the commands that do not use it: a
     * provider whose name is invalid or cannot be read is left out, and a name declared twice is given to neither
     * provider; each problem is added to {@code problems}. Looking up a name declared twice fails naming both
     * sources; looking up an unknown name also names {@code unloadedJars}, the plugin jars that failed to load.
     */
    public static <P extends NamedProvider> NamedProviderRegistry<P> lenient(String kind,
            Collection<Registration<P>> registrations, List<PluginLoadException> unloadedJars,
            List<PluginLoadException> problems) {
        Map<String, List<Registration<P>>> declared = new TreeMap<>();
        for (Registration<P> r : registrations) {
            try {
                declared.computeIfAbsent(nameOf(kind, r), n -> new ArrayList<>()).add(r);
            } catch (PluginLoadException e) {
                problems.add(e);
            }
        }
        Map<String, Entry<P>> map = new TreeMap<>();
        Map<String, PluginLoadException> conflicts = new TreeMap<>();
        declared.forEach((name, regs) -> {
            if (regs.size() == 1) {
                map.put(name, new Entry<>(name, regs.get(0).provider(), regs.get(0).source()));
                return;
            }
            List<String> who = regs.stream().map(r -> r.provider().getClass().getName() + " from " + r.source()).toList();
            PluginLoadException conflict = new PluginLoadException(regs.get(regs.size() - 1).source(), kind + " '" + name
                    + "' is declared " + regs.size() + " times: " + String.join(" and ", who)
                    + "; remove all but one of them");
            conflicts.put(name, conflict);
            problems.add(conflict);
        });
        return new NamedProviderRegistry<>(kind, map, conflicts, unloadedJars);
    }

    /** True if {@code name} follows {@value #NAME_RULE}. */
    public static boolean isValidName(String name) {
        return name != null && NAME_PATTERN.matcher(name).matches();
    }

    /** The plugin kind, e.g. {@code backbone}. */
    public String kind() {
        return kind;
    }

    /**
     * The provider configured under {@code configKey} (e.g. {@code backbone.name}).
     *
     * @throws UnknownPluginException naming the key, the name and the available names
     */
    public P get(String configKey, String name) {
        Entry<P> e = name == null ? null : byName.get(name);
        if (e == null) {
            throw notFound(configKey, name);
        }
        return e.provider();
    }

    /** Why {@code name} has no provider: declared twice, or unknown (and which jars failed to load). */
    private ConfigException notFound(String configKey, String name) {
        PluginLoadException conflict = name == null ? null : conflicts.get(name);
        if (conflict != null) {
            String key = configKey == null || configKey.isEmpty() ? "" : configKey + ": ";
            return new PluginLoadException(conflict.source(), key + conflict.getMessage());
        }
        return new UnknownPluginException(configKey, kind, name, names(),
                unloadedJars.stream().map(PluginLoadException::getMessage).toList());
    }

    public Optional<P> find(String name) {
        Entry<P> e = name == null ? null : byName.get(name);
        return e == null ? Optional.empty() : Optional.of(e.provider());
    }

    /** The registered names, sorted. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The providers, sorted by name. */
    public List<P> providers() {
        return byName.values().stream().map(Entry::provider).toList();
    }

    /**
     * Where the named provider came from: a module name (e.g. {@code org.stfusion.backbones}) or a jar path.
     *
     * @throws UnknownPluginException if nothing is registered under {@code name}
     */
    public String source(String name) {
        Entry<P> e = name == null ? null : byName.get(name);
        if (e == null) {
            throw notFound(null, name);
        }
        return e.source();
    }

    public int size() {
        return byName.size();
    }

    @Override
    public String toString() {
        return kind + " registry " + names();
    }

    private static String nameOf(String kind, Registration<?> r) {
        String cls = r.provider().getClass().getName();
        String name;
        try {
            name = r.provider().name();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException(r.source(), kind + " provider " + cls + " from " + r.source()
                    + " failed to report its name: " + PluginJars.describe(e), e);
        }
        if (!isValidName(name)) {
            throw new PluginLoadException(r.source(), "invalid " + kind + " name "
                    + (name == null ? "null" : "'" + name + "'") + " of " + cls + " from " + r.source()
                    + ": a name must match " + NAME_RULE);
        }
        return name;
    }
}
