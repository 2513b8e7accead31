package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stfusion.cli.StfusionCliTest.Result;

/**
 * A generated corpus of malformed experiment files and {@code --set} values, each run through the real command
 * line in-process. Every case must be refused as a user mistake: exit code 2, exactly one line on stderr starting
 * with {@code stfusion: }, no stack trace, no "internal error", and quickly (no hang, no training: the base is a
 * tiny valid experiment that would finish in seconds, and a case that wrongly turns out valid fails the test).
 * The corpus mutates the base key by key with bad values for that key's type, and adds hand-written nasty files.
 */
class ConfigCorpusTest {
    /** Where the files of every case are written; one folder per case. */
    @TempDir
    static Path work;

    /** A tiny list dataset (frame folders are never read: a mistake must be found before any clip is loaded). */
    static Path listRoot;

    /** What a case runs: {@code config} checks core's sections only, {@code run} also opens the plugins. */
    enum Command {
        CONFIG, RUN
    }

    /**
     * One malformed input. {@code file} is the experiment file's text (null: {@code args} name the file
     * themselves), {@code sets} the {@code --set} values.
     */
    record Case(String category, String name, Command command, String file, List<String> sets) {
        @Override
        public String toString() {
            return category + ": " + name;
        }
    }

    /** The base: a valid experiment that trains in about a second, as nested maps of YAML snippets. */
    static Map<String, Object> base() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "corpus");
        tree.put("seed", "1");
        tree.put("engine", "auto");
        tree.put("backbone", section("name", "densenet3d", "preset", "tiny", "initFeatures", "4", "growth", "2",
                "bnSize", "1", "blocks", "[1]", "stemTemporalKernel", "1", "stemPoolTemporalKernel", "1"));
        Map<String, Object> fusion = section("paths", "[spatial, temporal]");
        fusion.put("temporal", section("kernel", "3"));
        tree.put("fusion", fusion);
        tree.put("dataset", section("name", "synthetic", "task", "motion", "classes", "2", "frames", "2", "size", "8",
                "trainSize", "2", "valSize", "2", "noise", "0.0", "seed", "1", "objectSizeMin", "2", "objectSizeMax", "3",
                "speedMin", "1", "speedMax", "1", "distractors", "0"));
        tree.put("data", section("workers", "1", "prefetch", "1", "maxBadFraction", "0.05"));
        tree.put("training", section("batchSize", "2", "warmupEpochs", "0", "vdpEpochs", "1", "lr", "0.05",
                "warmupLr", "0.05", "lrSteps", "[]", "warmupLrSteps", "[]", "lrDecay", "0.1", "momentum", "0.9",
                "pInit", "0.1", "temperature", "0.2", "lengthScale", "1.0", "trainingSize", "0", "regulariser", "code",
                "dataType", "float", "warmupWeightDecay", "0.0005", "layerGate", "false", "dropRatePer", "path"));
        tree.put("sampling", section("count", "1", "seed", "7", "evalBatchSize", "2", "bnRecalibration", "0",
                "allowEmptyPositions", "false", "classifierMask", "false", "successiveHalving", "false",
                "halvingFirstSlice", "0.5"));
        tree.put("study", section("epochs", "1", "lrSteps", "[]", "lr", "0.05", "weightDecay", "0.0005", "rankCheck", "0"));
        tree.put("reporters", "[{name: json, pretty: true}]");
        return tree;
    }

    private static Map<String, Object> section(String... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Block YAML of a tree whose leaves are YAML snippets. */
    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> tree) {
        StringBuilder sb = new StringBuilder();
        render(tree, "", sb);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void render(Map<String, Object> tree, String indent, StringBuilder sb) {
        tree.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                sb.append(indent).append(k).append(":\n");
                render((Map<String, Object>) m, indent + "  ", sb);
            } else {
                sb.append(indent).append(k).append(": ").append(v).append('\n');
            }
        });
    }

    /** The base with {@code dotted} set to {@code snippet} (sections created as needed). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> with(Map<String, Object> tree, String dotted, Object snippet) {
        Map<String, Object> copy = deepCopy(tree);
        String[] parts = dotted.split("\\.");
        Map<String, Object> node = copy;
        for (int i = 0; i < parts.length - 1; i++) {
            Object child = node.get(parts[i]);
            if (!(child instanceof Map)) {
                child = new LinkedHashMap<String, Object>();
                node.put(parts[i], child);
            }
            node = (Map<String, Object>) child;
        }
        node.put(parts[parts.length - 1], snippet);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> tree) {
        Map<String, Object> copy = new LinkedHashMap<>();
        tree.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v));
        return copy;
    }

    // ---------------------------------------------------------------- the corpus

    /** Bad values of a whole number in [min, max]. */
    static List<String> badInts(long min, long max) {
        List<String> v = new ArrayList<>(List.of("sixteen", "[1, 2]", "{a: 1}", "1.5", "true", "''", ".nan",
                "99999999999", "-99999999999", "123456789012345678901234567890"));
        if (min > Integer.MIN_VALUE) {
            v.add(Long.toString(min - 1));
        }
        if (max < Integer.MAX_VALUE) {
            v.add(Long.toString(max + 1));
        }
        return v;
    }

    static List<String> badLongs() {
        return List.of("sixteen", "[1]", "{a: 1}", "1.5", ".inf", "123456789012345678901234567890");
    }

    /** Bad values of a number in [min, max]. */
    static List<String> badDoubles(String below, String above) {
        List<String> v = new ArrayList<>(List.of("fast", "[0.1]", "{a: 1}", "true", ".nan", ".NaN", ".inf", "-.inf",
                "1e400", "-1e400"));
        if (below != null) {
            v.add(below);
        }
        if (above != null) {
            v.add(above);
        }
        return v;
    }

    static List<String> badBooleans() {
        return List.of("maybe", "[true]", "{a: 1}", "1", "0.5");
    }

    static List<String> badChoices() {
        return List.of("nonsense", "[code]", "{a: 1}", "42", "''");
    }

    static List<String> badIntLists(long min, long max) {
        List<String> v = new ArrayList<>(List.of("[sixteen]", "[[1]]", "{a: 1}", "[1, ~]", "[99999999999]", "[.nan]", "[1.5]"));
        v.add("[" + (min - 1) + "]");
        if (max < Integer.MAX_VALUE) {
            v.add("[" + (max + 1) + "]");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Stream<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        Map<String, Object> base = base();
        Map<String, List<String>> keys = new LinkedHashMap<>();
        // core's own keys
        keys.put("name", List.of("'bad name'", "'../escape'", "'.hidden'", "[a]", "{a: 1}", "''", "x".repeat(100)));
        keys.put("seed", badLongs());
        keys.put("engine", badChoices());
        keys.put("fusion.paths", List.of("[]", "[spatial, spatial]", "[{a: 1}]", "{a: 1}", "[[spatial]]", "[nosuchunit]",
                "[spatial, ~]", "42"));
        keys.put("data.workers", badInts(1, 256));
        keys.put("data.prefetch", badInts(1, 64));
        keys.put("data.maxBadFraction", badDoubles("-0.1", "1.5"));
        keys.put("training.batchSize", badInts(2, 4096));
        keys.put("training.warmupEpochs", badInts(0, 100_000));
        keys.put("training.vdpEpochs", badInts(1, 100_000)); // 0 is refused too: warmupEpochs is 0 in the base
        keys.put("training.lr", badDoubles("-0.1", "101"));
        keys.put("training.warmupLr", badDoubles("-0.1", "101"));
        keys.put("training.lrSteps", badIntLists(1, 1)); // the base has 1 v-DropPath epoch
        keys.put("training.warmupLrSteps", List.of("[1]", "[sixteen]", "{a: 1}", "[[1]]"));
        keys.put("training.lrDecay", badDoubles("-0.1", "1.5"));
        keys.put("training.momentum", badDoubles("-0.1", "1"));
        keys.put("training.pInit", badDoubles("0", "1"));
        keys.put("training.temperature", badDoubles("0", "101"));
        keys.put("training.lengthScale", badDoubles("-1", "1e10"));
        keys.put("training.trainingSize", List.of("-1", "sixteen", "[1]", "{a: 1}", "1.5", "123456789012345678901234567890"));
        keys.put("training.regulariser", badChoices());
        keys.put("training.dataType", badChoices());
        keys.put("training.warmupWeightDecay", badDoubles("-0.1", "1.5"));
        keys.put("training.layerGate", badBooleans());
        keys.put("training.dropRatePer", badChoices());
        keys.put("sampling.count", badInts(0, 1_000_000));
        keys.put("sampling.seed", badLongs());
        keys.put("sampling.evalBatchSize", badInts(1, 4096));
        keys.put("sampling.bnRecalibration", badInts(0, 100_000));
        keys.put("sampling.allowEmptyPositions", badBooleans());
        keys.put("sampling.classifierMask", badBooleans());
        keys.put("sampling.successiveHalving", badBooleans());
        keys.put("sampling.halvingFirstSlice", badDoubles("0", "1.5"));
        keys.put("study.epochs", badInts(1, 100_000));
        keys.put("study.lrSteps", badIntLists(1, 1));
        keys.put("study.lr", badDoubles("-0.1", "101"));
        keys.put("study.weightDecay", badDoubles("-0.1", "1.5"));
        keys.put("study.rankCheck", badInts(0, 10_000));
        // plugins' keys: checked when the experiment opens
        keys.put("backbone.name", List.of("nosuch", "[densenet3d]", "{a: 1}", "~", "42", "''"));
        keys.put("backbone.preset", badChoices());
        keys.put("backbone.initFeatures", badInts(1, 4096));
        keys.put("backbone.growth", badInts(1, 4096));
        keys.put("backbone.bnSize", badInts(1, 64));
        keys.put("backbone.blocks", List.of("[]", "[0]", "[257]", "[sixteen]", "{a: 1}", "[[1]]", "[99999999999]", "[1, 2, 3, 4, 5, 6]"));
        keys.put("backbone.stemTemporalKernel", List.of("2", "0", "17", "sixteen", "[1]", "99999999999"));
        keys.put("backbone.stemPoolTemporalKernel", List.of("2", "0", "17", "sixteen", "{a: 1}", "-99999999999"));
        keys.put("fusion.temporal.kernel", List.of("2", "0", "17", "sixteen", "[3]", "99999999999"));
        keys.put("dataset.name", List.of("nosuch", "[synthetic]", "{a: 1}", "~", "42"));
        keys.put("dataset.task", badChoices());
        keys.put("dataset.classes", List.of("3", "1", "0", "-2", "sixteen", "[2]", "99999999999"));
        keys.put("dataset.frames", badInts(2, 64));
        keys.put("dataset.size", badInts(8, 256));
        keys.put("dataset.trainSize", badInts(2, 1_000_000));
        keys.put("dataset.valSize", badInts(2, 1_000_000));
        keys.put("dataset.seed", badLongs());
        keys.put("dataset.noise", badDoubles("-0.1", "1.5"));
        keys.put("dataset.objectSizeMin", List.of("0", "8", "4", "sixteen", "[1]", "99999999999"));
        keys.put("dataset.objectSizeMax", List.of("0", "8", "1", "sixteen", "{a: 1}", "-99999999999"));
        keys.put("dataset.speedMin", List.of("0", "4", "2", "sixteen", "[1]"));
        keys.put("dataset.speedMax", List.of("0", "4", "sixteen", "{a: 1}", "99999999999"));
        keys.put("dataset.distractors", badInts(0, 8));
        keys.forEach((key, values) -> {
            Command command = isPluginKey(key) ? Command.RUN : Command.CONFIG;
            for (int i = 0; i < values.size(); i++) {
                String value = values.get(i);
                cases.add(new Case(category(value), key + " = " + value + " (file)", Command.RUN,
                        render(with(base, key, value)), List.of()));
                if (i % 3 == 0) { // every third bad value also as an override, through the lighter command
                    cases.add(new Case(category(value), key + " = " + value + " (--set)", command, render(base),
                            List.of(key + "=" + value)));
                }
            }
        });

        // reporters, a list of plugin sections
        for (String reporters : List.of("42", "nosuch", "[nosuch]", "[{pretty: true}]", "[[json]]", "{name: json}",
                "[{name: json, pretty: maybe}]", "[{name: json, bogus: 1}]", "[{name: console, width: 1000}]",
                "[{name: console, top: 0}]", "[{name: fig4, scale: .nan}]", "[{name: fig4, format: bmp}]", "[~]", "[42]")) {
            cases.add(new Case("plugin section", "reporters = " + reporters, Command.RUN,
                    render(with(base, "reporters", reporters)), List.of()));
        }

        // unknown keys, in every section and in plugin settings, top level and nested
        for (String section : List.of("", "backbone.", "fusion.", "fusion.temporal.", "fusion.spatial.", "dataset.", "data.",
                "training.", "sampling.", "study.")) {
            for (String unknown : List.of("bogusKey", "Seed", "lr_", "deeper.nested")) {
                String key = section + unknown;
                Command command = isPluginKey(key) ? Command.RUN : Command.CONFIG;
                cases.add(new Case("unknown key", key + " (file)", Command.RUN, render(with(base, key, "1")), List.of()));
                cases.add(new Case("unknown key", key + " (--set)", command, render(base), List.of(key + "=1")));
            }
        }
        cases.add(new Case("unknown key", "reporters[0].bogus (--set)", Command.RUN, render(base),
                List.of("reporters[0].bogus=1")));
        cases.add(new Case("unknown key", "extend: typo of extends", Command.CONFIG, "extend: base.yaml\n" + render(base),
                List.of()));

        // whole sections of the wrong shape
        for (String section : List.of("backbone", "fusion", "dataset", "data", "training", "sampling", "study")) {
            for (String value : List.of("42", "[1, 2]", "text", "[{a: 1}]")) {
                cases.add(new Case("section shape", section + " = " + value, Command.RUN, render(with(base, section, value)),
                        List.of()));
            }
        }

        // size products that do not fit an int (or memory): clip = channels x frames x size^2, batch x clip
        for (String[] sets : new String[][] {
                {"dataset.frames=64", "dataset.size=256", "dataset.trainSize=4096", "training.batchSize=4096"},
                {"dataset.frames=64", "dataset.size=256", "dataset.valSize=4096", "sampling.evalBatchSize=4096"},
                {"dataset.frames=64", "dataset.size=256", "dataset.trainSize=8192", "training.batchSize=2048"}}) {
            cases.add(new Case("size product", String.join(" ", sets), Command.RUN, render(base), List.of(sets)));
        }
        Map<String, Object> list = with(base, "dataset", listDataset());
        for (String[] sets : new String[][] {
                {"dataset.frames=1024", "dataset.size=1024"},
                {"dataset.frames=1024", "dataset.size=512"},
                {"dataset.frames=256", "dataset.size=1024", "dataset.testClips=100", "dataset.testCrops=3"},
                {"dataset.frames=64", "dataset.size=224", "dataset.testClips=100", "dataset.testCrops=3", "sampling.evalBatchSize=4096"},
                {"dataset.frames=128", "dataset.size=1024", "training.batchSize=4096"}}) {
            cases.add(new Case("size product", "list dataset " + String.join(" ", sets), Command.RUN, render(list),
                    List.of(sets)));
        }
        Map<String, Object> segments = with(base, "dataset", listDataset());
        ((Map<String, Object>) segments.get("dataset")).remove("frames");
        cases.add(new Case("size product", "list dataset, 1024 segments of 1024 px", Command.RUN, render(segments),
                List.of("dataset.sampling=segments", "dataset.segments=1024", "dataset.size=1024")));
        for (String[] sets : new String[][] {
                {"backbone.initFeatures=4096", "backbone.growth=4096", "backbone.blocks=[256]"},
                {"backbone.growth=4096", "backbone.bnSize=64", "backbone.blocks=[64]"}}) {
            cases.add(new Case("size product", String.join(" ", sets), Command.RUN, render(base), List.of(sets)));
        }

        // --set syntax
        for (String set : List.of("training.lr", "=1", " =1", "training..lr=1", ".training=1", "training.=1", "training.lr.=1",
                "reporters[=x", "reporters[]=x", "reporters[x]=x", "reporters[0=x", "reporters]0[=x", "reporters[-1].name=json",
                "reporters[99999999999].name=json", "reporters[2000000000].name=json", "reporters[2147483648].name=json",
                "reporters[1].name=json", "reporters[0][0]=x", "name[0]=x", "seed.x=1", "training.lr.x=1", "extends=base.yaml",
                "training.lr=[1, 2", "training.lr={", "training.lr=\"open", "training lr=1", "trainïng.lr=1",
                "training.batchSize=", "training.lr=.nan", "training.lr=.inf", "name=&a [*a, *a]", "training.lr=*nope",
                "training.lr=" + "[".repeat(10_000) + "]".repeat(10_000), "training.lr=" + "{a: ".repeat(10_000) + "}".repeat(10_000),
                "training.lr=" + billionLaughs(), "training.lr=1\n2", "a\nb=1",
                "training.lr=!!java.net.URL [\"http://localhost\"]")) {
            cases.add(new Case("--set syntax", set.length() > 60 ? set.substring(0, 60) + "..." : set, Command.CONFIG,
                    render(base), List.of(set)));
        }

        // hand-written nasty files
        String b = render(base);
        nasty(cases, "broken YAML", "tab indentation", b.replace("  name: densenet3d", "\tname: densenet3d"));
        nasty(cases, "broken YAML", "unclosed double quote", b.replace("name: corpus", "name: \"corpus"));
        nasty(cases, "broken YAML", "unclosed single quote", b.replace("name: corpus", "name: 'corpus"));
        nasty(cases, "broken YAML", "unclosed bracket", b.replace("[1]", "[1"));
        nasty(cases, "broken YAML", "unclosed brace", b.replace("reporters: [{name: json, pretty: true}]", "reporters: [{name: json"));
        nasty(cases, "broken YAML", "duplicate top-level key", b + "seed: 2\n");
        nasty(cases, "broken YAML", "duplicate nested key", b.replace("  lr: 0.05\n", "  lr: 0.05\n  lr: 0.5\n"));
        nasty(cases, "broken YAML", "duplicate key in a flow map", b.replace("{name: json, pretty: true}", "{name: json, name: html}"));
        nasty(cases, "broken YAML", "bad indentation", b.replace("  initFeatures: 4", "     initFeatures: 4"));
        nasty(cases, "broken YAML", "empty file", "");
        nasty(cases, "broken YAML", "only a comment", "# nothing here\n");
        nasty(cases, "broken YAML", "a scalar document", "just text\n");
        nasty(cases, "broken YAML", "a list document", "- name: corpus\n- seed: 1\n");
        nasty(cases, "broken YAML", "two documents", b + "---\nseed: 2\n");
        nasty(cases, "broken YAML", "undefined alias", b.replace("seed: 1", "seed: *nope"));
        nasty(cases, "broken YAML", "complex key", b + "? [a, b]\n: 1\n");
        nasty(cases, "broken YAML", "null key", b + "~: 1\n");
        nasty(cases, "broken YAML", "numeric top-level key", b + "42: 1\n");
        nasty(cases, "broken YAML", "java type tag", b.replace("seed: 1", "seed: !!java.net.URL [\"http://localhost\"]"));
        nasty(cases, "broken YAML", "unknown tag", b.replace("seed: 1", "seed: !custom 1"));
        nasty(cases, "broken YAML", "NUL character", b.replace("name: corpus", "name: cor\u0000pus"));
        nasty(cases, "broken YAML", "control character", b.replace("name: corpus", "name: cor\u0007pus"));
        nasty(cases, "broken YAML", "very long line", b + "#" + "x".repeat(200_000) + "\nbogus: 1\n");
        nasty(cases, "broken YAML", "five megabytes", b + ("# padding " + "x".repeat(90) + "\n").repeat(50_000));
        nasty(cases, "broken YAML", "one million list items", b.replace("lrSteps: []\n  warmupLrSteps",
                "lrSteps: [" + "1, ".repeat(1_000_000) + "1]\n  warmupLrSteps"));
        nasty(cases, "broken YAML", "merge key", b + "defaults: &d {lr: 1}\n");
        bytes(cases, "non-UTF-8", "Latin-1 byte", (b.replace("name: corpus", "name: corpus")).getBytes(StandardCharsets.ISO_8859_1),
                "name: corpus", new byte[] {'n', 'a', 'm', 'e', ':', ' ', 'c', (byte) 0xE9, 'r'});
        bytes(cases, "non-UTF-8", "invalid byte 0xFF", b.getBytes(StandardCharsets.UTF_8), "seed: 1",
                new byte[] {'s', 'e', 'e', 'd', ':', ' ', (byte) 0xFF, (byte) 0xFE});
        bytes(cases, "non-UTF-8", "truncated multi-byte sequence", b.getBytes(StandardCharsets.UTF_8), "name: corpus",
                new byte[] {'n', 'a', 'm', 'e', ':', ' ', 'x', (byte) 0xE2, (byte) 0x82});
        cases.add(new Case("non-UTF-8", "a binary file", Command.CONFIG, null, List.of("@binary")));
        cases.add(new Case("non-UTF-8", "UTF-16 without BOM", Command.CONFIG, null, List.of("@utf16")));
        // deep nesting: parsers can overflow the stack
        nasty(cases, "deep nesting", "10000 nested flow lists", b.replace("lrSteps: []\n", "lrSteps: "
                + "[".repeat(10_000) + "]".repeat(10_000) + "\n"));
        nasty(cases, "deep nesting", "10000 nested flow maps", b + "bogus: " + "{a: ".repeat(10_000) + "1" + "}".repeat(10_000) + "\n");
        StringBuilder blocks = new StringBuilder(b).append("bogus:\n");
        for (int i = 1; i <= 2_000; i++) {
            blocks.append(" ".repeat(i)).append("k:\n");
        }
        nasty(cases, "deep nesting", "2000 nested block maps", blocks.toString());
        StringBuilder dashes = new StringBuilder(b).append("bogus:\n");
        for (int i = 0; i < 5_000; i++) {
            dashes.append(" ".repeat(i * 2)).append("-\n");
        }
        nasty(cases, "deep nesting", "5000 nested block lists", dashes.toString());
        nasty(cases, "deep nesting", "1000 nested lists in a known key", b.replace("lrSteps: []\n", "lrSteps: "
                + "[".repeat(1_000) + "1" + "]".repeat(1_000) + "\n"));
        // alias bombs
        nasty(cases, "alias bomb", "billion laughs", b + "bogus: " + billionLaughs() + "\n");
        nasty(cases, "alias bomb", "billion laughs in a known key", b.replace("lrSteps: []\n", "lrSteps: " + billionLaughs() + "\n"));
        nasty(cases, "alias bomb", "recursive alias", b + "bogus: &a [*a]\n");
        nasty(cases, "alias bomb", "many aliases of one map", b + "base: &b {x: 1}\nbogus: [" + "*b, ".repeat(5_000) + "*b]\n");
        // files that are not files
        cases.add(new Case("file access", "missing file", Command.CONFIG, null, List.of("@missing")));
        cases.add(new Case("file access", "a folder", Command.CONFIG, null, List.of("@folder")));
        cases.add(new Case("file access", "a folder, run", Command.RUN, null, List.of("@folder")));
        cases.add(new Case("file access", "unreadable name", Command.CONFIG, null, List.of("@nul-name")));
        // extends chains
        extendsCases(cases, b);
        return cases.stream();
    }

    /** Nine levels of ten aliases each: 10^9 strings if expanded. */
    static String billionLaughs() {
        StringBuilder sb = new StringBuilder("[&l0 [lol], &l1 [*l0,*l0,*l0,*l0,*l0,*l0,*l0,*l0,*l0,*l0]");
        for (int i = 2; i <= 9; i++) {
            sb.append(", &l").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                sb.append(j == 0 ? "" : ",").append("*l").append(i - 1);
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    private static void nasty(List<Case> cases, String category, String name, String text) {
        cases.add(new Case(category, name, Command.RUN, text, List.of()));
    }

    /** A file whose bytes are {@code text} with {@code marker} replaced by {@code bytes}. */
    private static void bytes(List<Case> cases, String category, String name, byte[] text, String marker, byte[] bytes) {
        String latin = new String(text, StandardCharsets.ISO_8859_1);
        String replaced = latin.replace(marker, new String(bytes, StandardCharsets.ISO_8859_1));
        cases.add(new Case(category, name, Command.RUN, "@latin1:" + replaced, List.of()));
    }

    private static void extendsCases(List<Case> cases, String b) {
        cases.add(new Case("extends", "extends itself", Command.CONFIG, "extends: config.yaml\n" + b, List.of()));
        cases.add(new Case("extends", "a cycle of two", Command.CONFIG, "extends: @cycle\n" + b, List.of()));
        cases.add(new Case("extends", "a missing base", Command.CONFIG, "extends: gone.yaml\n" + b, List.of()));
        cases.add(new Case("extends", "a base that is a folder", Command.CONFIG, "extends: .\n" + b, List.of()));
        cases.add(new Case("extends", "a list of bases", Command.CONFIG, "extends: [a.yaml, b.yaml]\n" + b, List.of()));
        cases.add(new Case("extends", "a map", Command.CONFIG, "extends: {file: a.yaml}\n" + b, List.of()));
        cases.add(new Case("extends", "a number", Command.CONFIG, "extends: 42\n" + b, List.of()));
        cases.add(new Case("extends", "empty", Command.CONFIG, "extends: ''\n" + b, List.of()));
        cases.add(new Case("extends", "a broken base", Command.CONFIG, "extends: @broken\n" + b, List.of()));
        cases.add(new Case("extends", "a base with a bad value", Command.CONFIG, "extends: @badvalue\nname: corpus\n", List.of()));
        cases.add(new Case("extends", "a binary base", Command.CONFIG, "extends: @binarybase\n" + b, List.of()));
        cases.add(new Case("extends", "a chain of 1000 files", Command.CONFIG, "extends: @deep\n" + b, List.of()));
        cases.add(new Case("extends", "a long cycle", Command.CONFIG, "extends: @longcycle\n" + b, List.of()));
        cases.add(new Case("extends", "nested extends", Command.CONFIG, b.replace("training:\n", "training:\n  extends: x.yaml\n"),
                List.of()));
    }

    /** A {@code list} dataset with two items; its frame folders do not exist, and need not. */
    private static Map<String, Object> listDataset() {
        return section("name", "list", "format", "frames", "root", "'" + listRoot + "'", "train", "train.txt", "val", "val.txt",
                "classes", "2", "frames", "2", "size", "8");
    }

    @BeforeAll
    static void listDatasetFiles() throws IOException {
        listRoot = Files.createDirectories(work.resolve("list-dataset"));
        Files.writeString(listRoot.resolve("train.txt"), "a 4 0\nb 4 1\n");
        Files.writeString(listRoot.resolve("val.txt"), "c 4 0\nd 4 1\n");
    }

    private static boolean isPluginKey(String key) {
        return key.startsWith("backbone.") || key.startsWith("dataset.") || key.startsWith("fusion.temporal.")
                || key.startsWith("fusion.spatial.") || key.startsWith("reporters");
    }

    /** Classifies a bad value for the report. */
    static String category(String value) {
        if (value.matches("-?\\.(?i:nan|inf)|-?1e400|\\[\\.nan]")) {
            return "non-finite";
        }
        if (value.matches("\\[?-?\\d{11,}]?")) {
            return "huge number";
        }
        if (value.matches("-?\\d+(\\.\\d+)?(e\\d+)?|\\[-?\\d+(\\.\\d+)?]")) {
            return "bad number"; // out of range, or not whole where a whole number is expected
        }
        return "wrong type";
    }

    // ---------------------------------------------------------------- running a case

    private static int counter;

    /** Writes the case's files into a folder of its own and returns the command line. */
    private static List<String> commandLine(Case c) throws IOException {
        Path dir = Files.createDirectories(work.resolve("case-" + (++counter)));
        Path config = dir.resolve("config.yaml");
        List<String> args = new ArrayList<>();
        args.add(c.command() == Command.RUN ? "run" : "config");
        List<String> sets = c.sets();
        if (c.file() == null) {
            String special = sets.get(0);
            sets = List.of();
            switch (special) {
                case "@missing" -> config = dir.resolve("missing.yaml");
                case "@folder" -> config = Files.createDirectories(dir.resolve("folder.yaml"));
                case "@nul-name" -> config = dir.resolve("config.yaml").resolve("..").resolve("config.yaml");
                case "@binary" -> Files.write(config, binary());
                case "@utf16" -> Files.write(config, render(base()).getBytes(StandardCharsets.UTF_16LE));
                default -> throw new IllegalArgumentException(special);
            }
        } else if (c.file().startsWith("@latin1:")) {
            Files.write(config, c.file().substring("@latin1:".length()).getBytes(StandardCharsets.ISO_8859_1));
        } else {
            Files.writeString(config, extendsFiles(dir, c.file()));
        }
        args.add(config.toString());
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        if (c.command() == Command.RUN) {
            args.add("--out");
            args.add(dir.resolve("run").toString());
        }
        return args;
    }

    /** Writes the bases that {@code @name} placeholders in an {@code extends:} stand for, and names them. */
    private static String extendsFiles(Path dir, String text) throws IOException {
        if (!text.startsWith("extends: @")) {
            return text;
        }
        String placeholder = text.substring("extends: ".length(), text.indexOf('\n'));
        String base = render(base());
        String name = switch (placeholder) {
            case "@cycle" -> {
                Files.writeString(dir.resolve("a.yaml"), "extends: config.yaml\nseed: 2\n");
                yield "a.yaml";
            }
            case "@broken" -> {
                Files.writeString(dir.resolve("broken.yaml"), "seed: [1\n");
                yield "broken.yaml";
            }
            case "@badvalue" -> {
                Files.writeString(dir.resolve("bad.yaml"), base.replace("batchSize: 2", "batchSize: -5"));
                yield "bad.yaml";
            }
            case "@binarybase" -> {
                Files.write(dir.resolve("bin.yaml"), binary());
                yield "bin.yaml";
            }
            case "@deep" -> {
                for (int i = 0; i < 1000; i++) {
                    Files.writeString(dir.resolve("d" + i + ".yaml"), (i < 999 ? "extends: d" + (i + 1) + ".yaml\n" : "") + "seed: " + i + "\n");
                }
                yield "d0.yaml";
            }
            case "@longcycle" -> {
                for (int i = 0; i < 50; i++) {
                    Files.writeString(dir.resolve("c" + i + ".yaml"), "extends: c" + ((i + 1) % 50) + ".yaml\n");
                }
                yield "c0.yaml";
            }
            default -> throw new IllegalArgumentException(placeholder);
        };
        return "extends: " + name + text.substring(text.indexOf('\n'));
    }

    private static byte[] binary() {
        byte[] bytes = new byte[4096];
        new java.util.Random(1).nextBytes(bytes);
        return bytes;
    }

    /** Cases started and cases refused as they should be, by category: printed after the run, for the report. */
    private static final Map<String, int[]> OUTCOMES = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static final List<String> MESSAGES = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterAll
    static void printOutcomes() throws IOException {
        StringBuilder sb = new StringBuilder("config corpus: category, cases, refused as expected\n");
        int[] total = new int[2];
        OUTCOMES.forEach((category, n) -> {
            sb.append(String.format("  %-14s %4d %4d%n", category, n[0], n[1]));
            total[0] += n[0];
            total[1] += n[1];
        });
        sb.append(String.format("  %-14s %4d %4d%n", "total", total[0], total[1]));
        System.out.print(sb);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            List<String> lines = new ArrayList<>(sb.toString().lines().toList());
            synchronized (MESSAGES) {
                lines.addAll(MESSAGES);
            }
            Files.write(target.resolve("config-corpus.txt"), lines);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void isRefusedAsOneLineWithExitCode2(Case c) throws IOException {
        List<String> args = commandLine(c);
        OUTCOMES.computeIfAbsent(c.category(), k -> new int[2])[0]++;
        MESSAGES.add(c + " -> (did not finish)");
        int slot = MESSAGES.size() - 1;
        long start = System.nanoTime();
        Result r = StfusionCliTest.run(args.toArray(String[]::new));
        long millis = (System.nanoTime() - start) / 1_000_000;
        MESSAGES.set(slot, c + " -> exit " + r.code() + " in " + millis + " ms: " + r.err().strip());

        String shown = c + " -> exit " + r.code() + ", stderr: " + r.err();
        assertEquals(StfusionCli.EXIT_USAGE, r.code(), shown);
        assertEquals(1, r.errLines().size(), shown);
        assertTrue(r.err().startsWith("stfusion: "), shown);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat ") || r.err().contains("internal error")
                || r.err().contains("Error:"), shown);
        assertTrue(millis < 20_000, c + " took " + millis + " ms");
        if (c.command() == Command.RUN) {
            assertFalse(Files.exists(Path.of(args.get(args.size() - 1))), c + ": no run directory is left behind");
        }
        OUTCOMES.get(c.category())[1]++;
    }

    @Test
    void theCorpusIsLargeAndTheBaseIsValid() throws IOException {
        Map<String, Integer> byCategory = new TreeMap<>();
        corpus().forEach(c -> byCategory.merge(c.category(), 1, Integer::sum));
        int total = byCategory.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(total >= 200, "cases: " + byCategory);
        // the mutations are only bad because the base is good: it must pass the same checks
        Path dir = Files.createDirectories(work.resolve("base"));
        Path config = Files.writeString(dir.resolve("config.yaml"), render(base()));
        Result r = StfusionCliTest.run("config", config.toString());
        assertEquals(0, r.code(), r.toString());
        r = StfusionCliTest.run("--quiet", "run", config.toString(), "--out", dir.resolve("run").toString());
        assertEquals(0, r.code(), r.toString());
        Path list = Files.writeString(dir.resolve("list.yaml"), render(with(base(), "dataset", listDataset())));
        r = StfusionCliTest.run("config", list.toString());
        assertEquals(0, r.code(), r.toString());
    }
}
