package org.stfusion.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.core.network.Engine;

/**
 * An experiment configuration: the YAML file merged with {@code --set key.path=value} overrides, checked
 * strictly (unknown keys, types, ranges) before anything is trained. Plugin sections ({@code backbone},
 * {@code dataset}, {@code fusion.<path>}, {@code reporters[i]}) are checked by their plugins when the
 * experiment opens; core's own sections here.
 */
public final class ExperimentConfig {
    public static final String FILE_NAME = "config.yaml";
    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final List<String> TOP_LEVEL =
            List.of("name", "seed", "engine", "backbone", "fusion", "dataset", "data", "training", "sampling", "study",
                    "execution", "reporters");

    private final Map<String, Object> tree;
    /** The top-level section as core read it, which remembers the defaults it used. */
    private final PluginConfig root;
    private final String name;
    private final long seed;
    private final Engine engine;
    private final PluginConfig backbone;
    private final InflateSettings inflate;
    private final PluginConfig dataset;
    private final PluginConfig fusion;
    private final List<String> fusionPaths;
    private final DataSettings data;
    private final TrainingSettings training;
    private final SamplingSettings sampling;
    private final StudySettings study;
    private final ExecutionSettings execution;
    private final List<PluginConfig> reporters;

    private ExperimentConfig(Map<String, Object> tree) {
        this.tree = tree;
        root = new PluginConfig("", tree);
        name = root.getString("name", "experiment");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new ConfigException("name", "expected letters, digits, '.', '_' or '-' (a run directory name), got '" + name + "'");
        }
        seed = root.getLong("seed", 1);
        String engineName = root.getChoice("engine", "auto", "auto", "planned", "samediff");
        engine = engineName.equals("auto") ? null : Engine.valueOf(engineName.toUpperCase(java.util.Locale.ROOT));
        backbone = root.section("backbone");
        dataset = root.section("dataset");
        requireName(backbone);
        requireName(dataset);
        inflate = InflateSettings.read(backbone);
        fusion = root.section("fusion");
        fusionPaths = fusion.getStringList("paths", List.of("spatial", "temporal"));
        if (fusionPaths.isEmpty() || fusionPaths.stream().distinct().count() != fusionPaths.size()) {
            throw new ConfigException(fusion.key("paths"), "expected a non-empty list of distinct fusion path names");
        }
        fusionPaths.forEach(fusion::accept);
        PluginConfig dataSection = root.section("data");
        data = DataSettings.read(dataSection);
        PluginConfig trainingSection = root.section("training");
        training = TrainingSettings.read(trainingSection);
        PluginConfig samplingSection = root.section("sampling");
        sampling = SamplingSettings.read(samplingSection);
        PluginConfig studySection = root.section("study");
        study = StudySettings.read(studySection, training);
        PluginConfig executionSection = root.section(ExecutionSettings.SECTION);
        execution = ExecutionSettings.read(executionSection);
        reporters = readReporters(tree.get("reporters"));
        root.accept("backbone", "dataset", "reporters");
        checkTopLevel();
        dataSection.rejectUnknownKeys();
        trainingSection.rejectUnknownKeys();
        samplingSection.rejectUnknownKeys();
        studySection.rejectUnknownKeys();
        executionSection.rejectUnknownKeys();
        fusion.rejectUnknownKeys();
    }

    /**
     * Reads {@code yaml} merged over the files it {@code extends} (see {@link ConfigInheritance}), then applies
     * {@code overrides} ({@code key.path=value}, value parsed as YAML) over both.
     */
    public static ExperimentConfig load(Path yaml, List<String> overrides) {
        Map<String, Object> tree = ConfigInheritance.read(yaml);
        for (String override : overrides) {
            applyOverride(tree, override);
        }
        InflateSettings.resolve(tree, Path.of("")); // what --set gave is relative to the working directory
        return new ExperimentConfig(tree);
    }

    /** A merged configuration tree as {@link #tree()} gives it (e.g. kept in a model file's sidecar). */
    public static ExperimentConfig of(Map<String, Object> tree) {
        return new ExperimentConfig(tree);
    }

    /**
     * The merged configuration whose {@link #toYaml} is {@code yaml}, as it came from {@code source} (e.g. the
     * command that sent it to a cluster's tasks).
     */
    @SuppressWarnings("unchecked")
    public static ExperimentConfig ofYaml(String source, String yaml) {
        Object tree = YamlTrees.read(source, yaml);
        if (!(tree instanceof Map)) {
            throw new ConfigException("", source + ": expected key: value lines at the top level");
        }
        return new ExperimentConfig((Map<String, Object>) tree);
    }

    /** The configuration saved in a run directory. */
    public static ExperimentConfig loadRunDir(Path runDir) {
        return loadRunDir(runDir, List.of());
    }

    /**
     * The configuration saved in a run directory with {@code overrides} applied over it, for settings that do not
     * change what the run computes (such as {@code execution}).
     */
    public static ExperimentConfig loadRunDir(Path runDir, List<String> overrides) {
        Path file = runDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("", runDir + " is not a run directory: " + FILE_NAME + " is missing");
        }
        return load(file, overrides);
    }

    /** The merged configuration as YAML, as a run directory saves it so that the run can be resumed or repeated. */
    public String toYaml() {
        return yaml(tree);
    }

    /**
     * The merged configuration with the default of every key core reads made explicit (name, seed, engine,
     * fusion.paths, data, training, sampling, study, reporters). Plugin sections show the keys given: their
     * plugins read them, with their own defaults, when the experiment opens.
     */
    public String toYamlWithDefaults() {
        Map<String, Object> effective = root.withDefaults();
        if (tree.get("reporters") == null) {
            effective.put("reporters", reporters.stream().map(r -> r.asMap().get("name")).toList());
        }
        return yaml(effective);
    }

    private static String yaml(Map<String, Object> tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("config tree cannot be written as YAML", e);
        }
    }

    /** {@code <name>-<yyyyMMdd-HHmmss>}. */
    public String defaultRunName() {
        return name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    public String name() {
        return name;
    }

    /** Master seed of the run: weight init, shuffling and gate noise derive from it. */
    public long seed() {
        return seed;
    }

    /**
     * The engine that runs the networks: {@code auto} (the default) is the planned engine on ND4J's CPU backend and
     * the SameDiff one on CUDA, where the planned engine cannot run.
     */
    public Engine engine() {
        if (engine == null) {
            return Engine.forCurrentBackend();
        }
        if (!engine.runsOnCurrentBackend()) {
            throw new ConfigException("engine", "the planned engine runs on ND4J's CPU backend only; this build uses "
                    + org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName()
                    + ": set engine: samediff, or auto");
        }
        return engine;
    }

    public PluginConfig backbone() {
        return backbone;
    }

    public PluginConfig dataset() {
        return dataset;
    }

    /** Where the template's weights start: {@code backbone.inflate} and {@code backbone.inflatePartial}. */
    public InflateSettings inflate() {
        return inflate;
    }

    public List<String> fusionPaths() {
        return fusionPaths;
    }

    /** The whole {@code fusion:} section as written (paths and their settings). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> fusionTree() {
        Object section = tree.get("fusion");
        return section instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The settings section of one fusion path ({@code fusion.<name>}), empty if absent. */
    public PluginConfig fusionPath(String pathName) {
        return fusion.section(pathName);
    }

    /** Loading and bad-data settings ({@code data:}), whatever the dataset plugin. */
    public DataSettings data() {
        return data;
    }

    public TrainingSettings training() {
        return training;
    }

    public SamplingSettings sampling() {
        return sampling;
    }

    public StudySettings study() {
        return study;
    }

    /** Where the run's work goes: this process, or Apache Spark. */
    public ExecutionSettings execution() {
        return execution;
    }

    public List<PluginConfig> reporters() {
        return reporters;
    }

    /** The merged tree, as saved. */
    public Map<String, Object> tree() {
        return tree;
    }

    private void checkTopLevel() {
        for (String key : tree.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new ConfigException(key, "unknown key; known top-level keys: " + String.join(", ", TOP_LEVEL));
            }
        }
    }

    private static void requireName(PluginConfig section) {
        if (!section.has("name")) {
            throw new ConfigException(section.key("name"), "missing: name the " + section.path() + " plugin to use");
        }
        section.accept("name");
    }

    @SuppressWarnings("unchecked")
    private static List<PluginConfig> readReporters(Object value) {
        if (value == null) {
            return List.of(new PluginConfig("reporters[0]", Map.of("name", "console")),
                    new PluginConfig("reporters[1]", Map.of("name", "json")),
                    new PluginConfig("reporters[2]", Map.of("name", "html")));
        }
        if (!(value instanceof List<?> list)) {
            throw new ConfigException("reporters", "expected a list of reporters, e.g. [{name: console}, {name: json}]");
        }
        List<PluginConfig> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String key = "reporters[" + i + "]";
            Map<String, Object> section;
            if (item instanceof String s) {
                section = Map.of("name", s);
            } else if (item instanceof Map<?, ?> m) {
                section = (Map<String, Object>) m;
            } else {
                throw new ConfigException(key, "expected a reporter name or a section with 'name'");
            }
            PluginConfig pc = new PluginConfig(key, section);
            requireName(pc);
            out.add(pc);
        }
        return List.copyOf(out);
    }

    /** One step of a {@code --set} key path: a name, and a list index ({@code [2]}) or -1 for none. */
    private static final Pattern KEY_STEP = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)(?:\\[(\\d{1,18})])?");

    /** {@code a.b[1].c=value}: walks or creates sections and sets the leaf; the value is parsed as YAML. */
    @SuppressWarnings("unchecked")
    static void applyOverride(Map<String, Object> tree, String override) {
        int eq = override.indexOf('=');
        if (eq < 0) {
            throw new ConfigException("", "--set expects key.path=value, got '" + override + "'");
        }
        String path = override.substring(0, eq).trim();
        String text = override.substring(eq + 1);
        if (path.isEmpty()) {
            throw new ConfigException("", "--set expects key.path=value, got '" + override + "': the key is missing");
        }
        if (path.equals(ConfigInheritance.EXTENDS)) {
            // the files are merged before any override applies
            throw new ConfigException(path, "cannot be set with --set: name the base file in the experiment file");
        }
        String[] steps = path.split("\\.", -1); // -1: a trailing dot is an empty step, not nothing
        for (String step : steps) {
            checkStep(path, step);
        }
        Object value = text.isEmpty() ? "" : YamlTrees.readValue(path, text);
        Object node = tree;
        for (int i = 0; i < steps.length; i++) {
            Matcher step = KEY_STEP.matcher(steps[i]);
            step.matches();
            String key = step.group(1);
            boolean last = i == steps.length - 1;
            if (!(node instanceof Map)) {
                throw new ConfigException(path, "cannot set inside a value that is not a section");
            }
            Map<String, Object> map = (Map<String, Object>) node;
            if (step.group(2) == null) {
                if (last) {
                    map.put(key, value);
                } else {
                    node = map.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
                }
                continue;
            }
            long index = Long.parseLong(step.group(2)); // up to 18 digits: compared with the size, never allocated
            Object listValue = map.get(key);
            if (!(listValue instanceof List<?> existing)) {
                throw new ConfigException(path, "no list element " + key + "[" + index + "] to set: " + key
                        + (listValue == null ? " is not given" : " is not a list"));
            }
            if (index >= existing.size()) {
                throw new ConfigException(path, "no list element " + key + "[" + index + "] to set: " + key + " has "
                        + existing.size() + (existing.size() == 1 ? " element" : " elements")
                        + (existing.isEmpty() ? "" : " (indexes 0 to " + (existing.size() - 1) + ")"));
            }
            int at = (int) index;
            List<Object> list = new ArrayList<>(existing);
            map.put(key, list);
            if (last) {
                list.set(at, value);
            } else {
                Object element = list.get(at);
                if (element instanceof String s) {
                    element = new LinkedHashMap<>(Map.of("name", s));
                    list.set(at, element);
                }
                node = element;
            }
        }
    }

    /** One step of a key path, with a message that says what is wrong with it. */
    private static void checkStep(String path, String step) {
        if (KEY_STEP.matcher(step).matches()) {
            return;
        }
        String why;
        if (step.isEmpty()) {
            why = "an empty name between dots";
        } else if (step.matches("[A-Za-z][A-Za-z0-9_-]*\\[-\\d+]")) {
            why = "a list index must be 0 or more";
        } else if (step.matches("[A-Za-z][A-Za-z0-9_-]*\\[\\d{19,}]")) {
            why = "list index too large";
        } else if (step.contains("[") || step.contains("]")) {
            why = "expected name[index] with a whole number, e.g. reporters[0]";
        } else {
            why = "a name starts with a letter and holds letters, digits, '_' or '-'";
        }
        throw new ConfigException("", "--set key '" + path + "': '" + step + "': " + why
                + " (keys look like training.lr or reporters[0].name)");
    }
}
