package org.stfusion.api.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A strict, typed view of one plugin's configuration section (parsed YAML: maps, lists, strings, numbers,
 * booleans). Plugins read their keys with defaults and ranges; every read key is remembered, so that
 * {@link #rejectUnknownKeys()} can name any key the plugin does not understand, and every default used, so that
 * {@link #withDefaults()} can show the effective section. All errors are {@link ConfigException}s naming the full
 * dotted key.
 */
public final class PluginConfig {
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> known = new LinkedHashSet<>();
    private final Map<String, PluginConfig> children = new LinkedHashMap<>();
    /** The default returned for each key read but not given. */
    private final Map<String, Object> defaultsUsed = new LinkedHashMap<>();

    public PluginConfig(String path, Map<String, ?> values) {
        this.path = path == null ? "" : path;
        this.values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static PluginConfig empty(String path) {
        return new PluginConfig(path, Map.of());
    }

    /** Dotted path of this section, e.g. {@code backbone}. */
    public String path() {
        return path;
    }

    public String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public boolean has(String name) {
        known.add(name);
        return values.containsKey(name) && values.get(name) != null;
    }

    /** Raw values, for recording the effective configuration. */
    public Map<String, Object> asMap() {
        return values;
    }

    /**
     * The section as read so far: the values given, then the default of every key read but not given, nested
     * sections likewise. Keys nobody has read yet are shown as given.
     */
    public Map<String, Object> withDefaults() {
        Map<String, Object> out = new LinkedHashMap<>(values);
        defaultsUsed.forEach(out::putIfAbsent);
        children.forEach((name, child) -> {
            Map<String, Object> section = child.withDefaults();
            if (values.get(name) != null || !section.isEmpty()) {
                out.put(name, section);
            }
        });
        return out;
    }

    /** Declares a key as understood without reading it (for keys handled by the caller). */
    public PluginConfig accept(String... names) {
        known.addAll(List.of(names));
        return this;
    }

    public String getString(String name, String def) {
        Object v = raw(name);
        if (v == null) {
            return defaulted(name, def);
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(key(name), "expected a text value, got " + describe(v));
        }
        return v.toString();
    }

    /** A string that must be one of {@code allowed}. */
    public String getChoice(String name, String def, String... allowed) {
        String v = getString(name, def);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new ConfigException(key(name), "expected one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    public boolean getBoolean(String name, boolean def) {
        Object v = raw(name);
        if (v == null) {
            return defaulted(name, def);
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key(name), "expected true or false, got " + describe(v));
    }

    public int getInt(String name, int def) {
        return getInt(name, def, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public int getInt(String name, int def, int min, int max) {
        Object v = raw(name);
        if (v == null) {
            return defaulted(name, checkRange(name, def, min, max));
        }
        return checkRange(name, toInt(name, v), min, max);
    }

    public long getLong(String name, long def) {
        Object v = raw(name);
        if (v == null) {
            return defaulted(name, def);
        }
        if (v instanceof Number n && (n instanceof Integer || n instanceof Long)) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ConfigException(key(name), "expected a whole number, got " + describe(v));
    }

    public double getDouble(String name, double def) {
        return getDouble(name, def, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    public double getDouble(String name, double def, double min, double max) {
        Object v = raw(name);
        double d;
        if (v == null) {
            d = defaulted(name, def);
        } else if (v instanceof Number n) {
            d = n.doubleValue();
        } else if (v instanceof String s) {
            try {
                d = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key(name), "expected a number, got " + describe(v));
            }
        } else {
            throw new ConfigException(key(name), "expected a number, got " + describe(v));
        }
        // NaN and infinities (YAML .nan, .inf, 1e400) are never a setting, even where any number goes
        if (!Double.isFinite(d) || d < min || d > max) {
            String range = Double.isInfinite(min) && Double.isInfinite(max) ? "a finite number"
                    : "a number in [" + min + ", " + max + "]";
            throw new ConfigException(key(name), "expected " + range + ", got " + d);
        }
        return d;
    }

    /** A list of integers (possibly empty), each in [min, max]; a single number is read as a one-element list. */
    public List<Integer> getIntList(String name, List<Integer> def, int min, int max) {
        Object v = raw(name);
        if (v == null) {
            return defaulted(name, def);
        }
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(checkRange(name + "[" + i + "]", toInt(name + "[" + i + "]", items.get(i)), min, max));
        }
        return List.copyOf(out);
    }

    /** A list of strings; a single string is read as a one-element list. */
    public List<String> getStringList(String name, List<String> def) {
        Object v = raw(name);
        if (v == null) {
            return defaulted(name, def);
        }
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item instanceof Map || item instanceof List || item == null) {
                throw new ConfigException(key(name) + "[" + i + "]", "expected a text value, got " + describe(item));
            }
            out.add(item.toString());
        }
        return List.copyOf(out);
    }

    /** A nested section; absent means empty. The section's own unknown keys are checked with this one's. */
    @SuppressWarnings("unchecked")
    public PluginConfig section(String name) {
        return children.computeIfAbsent(name, n -> {
            Object v = raw(n);
            if (v == null) {
                return empty(key(n));
            }
            if (!(v instanceof Map)) {
                throw new ConfigException(key(n), "expected a section (key: value lines), got " + describe(v));
            }
            return new PluginConfig(key(n), (Map<String, Object>) v);
        });
    }

    /**
     * Fails on the first key that nobody read or accepted, naming it and the keys that are understood.
     * Call after all reads.
     */
    public void rejectUnknownKeys() {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new ConfigException(key(k), "unknown key; known keys here: " + String.join(", ", new TreeSet<>(known)));
            }
        }
        for (PluginConfig child : children.values()) {
            child.rejectUnknownKeys();
        }
    }

    /** Remembers the default returned for an absent key (none for an optional key without one). */
    private <T> T defaulted(String name, T def) {
        if (def != null) {
            defaultsUsed.put(name, def);
        }
        return def;
    }

    private Object raw(String name) {
        known.add(name);
        return values.get(name);
    }

    private int toInt(String name, Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ConfigException(key(name), "expected a whole number, got " + describe(v));
    }

    private int checkRange(String name, int v, int min, int max) {
        if (v < min || v > max) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : "in [" + min + ", " + max + "]";
            throw new ConfigException(key(name), "expected a whole number " + range + ", got " + v);
        }
        return v;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof Map) {
            return "a section";
        }
        if (v instanceof List) {
            return "a list";
        }
        String text = v.toString();
        // a value pasted by mistake can be huge: the message stays one readable line
        return "'" + (text.length() <= 60 ? text : text.substring(0, 57) + "...") + "'";
    }
}
