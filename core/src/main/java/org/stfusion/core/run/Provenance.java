package org.stfusion.core.run;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.stfusion.api.PluginRef;

/**
 * What a run's files were made with: the backbone, the dataset (with its manifest hash) and the fusion units,
 * each by name and version, and the settings that define the network and the data ({@code settings}, flat
 * config keys such as {@code backbone.growth}). Checkpoints, scores, study files and network files all carry
 * it; {@link #requireCompatible} is the one check applied whenever such a file is read back.
 */
public record Provenance(Plugin backbone, DatasetOrigin dataset, List<Plugin> fusionUnits, Map<String, Object> settings) {

    /** A plugin by name and version. */
    public record Plugin(String name, String version) {
        public static Plugin of(PluginRef ref) {
            return new Plugin(ref.name(), ref.version());
        }
    }

    /** The dataset plugin and the fingerprint of its item list. */
    public record DatasetOrigin(String name, String version, String manifestHash) {
    }

    public Provenance {
        fusionUnits = fusionUnits == null ? null : List.copyOf(fusionUnits);
        settings = settings == null ? null : new TreeMap<>(settings);
    }

    /**
     * Refuses {@code saved} (what a file in the run records) when it names other plugins or other values for
     * settings that change the network, with one line naming the config key; reports other plugin versions to
     * {@code warn}. A dataset whose item list changed (another manifest hash) is refused when training is to
     * continue on it ({@code sameData}), else reported. Files from before settings were recorded are checked by
     * plugin names only.
     */
    public void requireCompatible(Provenance saved, String file, boolean sameData, Consumer<String> warn) {
        requireSame("backbone.name", saved.backbone().name(), backbone.name(), file);
        requireSame("dataset.name", saved.dataset().name(), dataset.name(), file);
        if (saved.fusionUnits() != null) {
            requireSame("fusion.paths", names(saved.fusionUnits()), names(fusionUnits), file);
        }
        if (saved.settings() != null) {
            for (String key : union(saved.settings(), settings)) {
                requireSame(key, saved.settings().get(key), settings.get(key), file);
            }
        }
        warnIfDifferent(warn, file, "backbone " + backbone.name(), saved.backbone().version(), backbone.version());
        warnIfDifferent(warn, file, "dataset " + dataset.name(), saved.dataset().version(), dataset.version());
        if (saved.fusionUnits() != null) {
            for (int i = 0; i < fusionUnits.size(); i++) {
                warnIfDifferent(warn, file, "fusion unit " + fusionUnits.get(i).name(), saved.fusionUnits().get(i).version(),
                        fusionUnits.get(i).version());
            }
        }
        String hash = saved.dataset().manifestHash();
        if (hash != null && !hash.equals(dataset.manifestHash())) {
            String what = file + " was made on a dataset whose item list differs from this one's (manifest " + hash
                    + ", now " + dataset.manifestHash() + ")";
            if (sameData) {
                throw new UserException("dataset: " + what + "; continuing would train on other data "
                        + "(point the dataset keys back at the original data, or start a new run with another --out)");
            }
            warn.accept(what);
        }
    }

    private static void requireSame(String key, Object saved, Object now, String file) {
        if (!Objects.equals(normalised(saved), normalised(now))) {
            throw new UserException(key + ": " + file + " was made with " + shown(saved) + ", the config now says "
                    + shown(now) + "; that changes the network or the data, so the run cannot continue with it "
                    + "(restore the key, or start a new run with another --out)");
        }
    }

    private static void warnIfDifferent(Consumer<String> warn, String file, String what, String saved, String now) {
        if (saved != null && !saved.equals(now)) {
            warn.accept(file + " was made with " + what + " version " + saved + ", this installation has " + now);
        }
    }

    private static List<String> names(List<Plugin> plugins) {
        return plugins.stream().map(Plugin::name).toList();
    }

    private static List<String> union(Map<String, Object> a, Map<String, Object> b) {
        var keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return new ArrayList<>(keys);
    }

    private static String shown(Object value) {
        return value == null ? "no value" : "'" + value + "'";
    }

    /** Numbers compare by value (YAML reads 8, JSON may give 8.0), maps and lists element by element. */
    private static Object normalised(Object value) {
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), normalised(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Provenance::normalised).toList();
        }
        return value;
    }

    /**
     * Flattens config sections into {@code prefix.key} entries (nested sections joined with dots, lists kept
     * as values), the form {@link #settings} records.
     */
    public static Map<String, Object> flatten(String prefix, Map<String, Object> section) {
        Map<String, Object> out = new LinkedHashMap<>();
        section.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> nested = (Map<String, Object>) m;
                out.putAll(flatten(path, nested));
            } else {
                out.put(path, value);
            }
        });
        return out;
    }
}
