package org.stfusion.core.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.PluginRef;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.predict.ClipClassifier;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.UserException;
import org.stfusion.core.strategy.Materializer;

/**
 * A network as a PyTorch user takes it: the weights and batch-norm running statistics (and, in the template, the
 * drop-rate logits θ) as safetensors in PyTorch's layouts ({@link TorchLayout}), plus a JSON sidecar
 * ({@code NAME.json} beside {@code NAME.safetensors}) with what it takes to build the network again. A
 * {@code densenet3d} network with the S and ST paths is named as PyTorch's {@code FusionDenseNet3D}
 * state_dict ({@link PeerNames}); any other network keeps stfusion's own names (the sidecar says why).
 */
public final class ModelFile {
    public static final String FORMAT = "stfusion-model/1";
    public static final String PEER_NAMING = "pytorch-peer";
    public static final String OWN_NAMING = "stfusion";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /** What was written, and under which names; {@code whyNotPeer} is null when the peer's names were used. */
    public record Written(Path weights, Path sidecar, String naming, String whyNotPeer, List<String> differences,
                          int tensors) {
    }

    /**
     * A model file read back: the network ready to classify clips, what it is (the strategy, or null for the
     * template), its arrays under stfusion's names in stfusion's layouts, and the run's configuration the sidecar
     * carries (its {@code dataset:} section says how the run prepared its clips: {@link
     * org.stfusion.core.predict.MediaInput#reader}).
     */
    public record Loaded(ClipClassifier classifier, StrategyDescriptor strategy, String naming,
                         Map<String, INDArray> arrays, ExperimentConfig config) {
    }

    /** {@code NAME.json} beside {@code NAME.safetensors}. */
    public static Path sidecarOf(Path weights) {
        String name = weights.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return weights.resolveSibling(stem + ".json");
    }

    /**
     * Writes the network whose arrays are {@code store} (positions in network order) to {@code weights} and its
     * sidecar: the template when {@code strategy} is null, else that strategy's standalone network, whose batch-norm
     * statistics {@code bnStatistics} describes.
     */
    public static Written write(Path weights, ModelInfo info, ParameterStore store, List<String> positions,
                                StrategyDescriptor strategy, String bnStatistics) {
        Map<String, INDArray> arrays = new LinkedHashMap<>(store.trainable());
        arrays.putAll(store.state());
        String whyNotPeer = SidecarSections.peerRefusal(info, strategy);
        Map<String, String> peerNames = null;
        if (whyNotPeer == null) {
            try {
                peerNames = PeerNames.map(arrays.keySet(), positions);
            } catch (PeerNames.NoPeerName e) {
                whyNotPeer = e.getMessage();
            }
        }
        boolean peer = peerNames != null;
        Map<String, String> names = peer ? peerNames : identity(arrays.keySet());
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (var e : arrays.entrySet()) {
            tensors.put(names.get(e.getKey()), TorchLayout.toTorch(e.getKey(), e.getValue()));
        }
        if (peer) {
            // PyTorch counts the batches each batch norm saw; only momentum=None reads it, so 0 (not counted) is safe.
            for (String counter : PeerNames.counters(names.values())) {
                tensors.put(counter, SafeTensors.Tensor.ofLongs(new long[0], new long[] {0}));
            }
        }
        List<String> differences = peer ? SidecarSections.differences(info, arrays) : List.of();
        String network = strategy == null ? "template" : strategy.id();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("stfusion", FORMAT);
        metadata.put("naming", peer ? PEER_NAMING : OWN_NAMING);
        metadata.put("network", network);
        SafeTensors.write(weights, metadata, tensors);

        Map<String, Object> side = new LinkedHashMap<>();
        side.put("format", FORMAT);
        side.put("weights", weights.getFileName().toString());
        side.put("network", strategy == null ? "template" : "strategy");
        if (strategy != null) {
            side.put("strategy", strategy);
        }
        side.put("bnStatistics", bnStatistics);
        side.put("naming", peer ? PEER_NAMING : OWN_NAMING);
        if (!peer) {
            side.put("whyNotPeer", whyNotPeer);
        }
        side.put("classes", info.classNames());
        side.put("input", SidecarSections.input(info));
        if (peer) {
            side.put("pytorch", SidecarSections.pytorch(info, positions, strategy, differences,
                    SidecarSections.pathTemporalKernel(arrays)));
        }
        Map<String, Object> own = new LinkedHashMap<>();
        own.put("backbone", info.backbone());
        own.put("backboneSettings", info.backboneSettings());
        own.put("fusionUnits", info.fusionUnits());
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("name", info.dataset().name());
        dataset.put("version", info.dataset().version());
        dataset.put("trainItems", info.trainItems());
        own.put("dataset", dataset);
        own.put("tensorLayout", "PyTorch's: conv [out, in/groups, kT, kH, kW], linear [out, in], batch norm [C], "
                + "theta 0-d");
        own.put("config", info.config());
        side.put("stfusion", own);
        Path sidecar = sidecarOf(weights);
        try {
            AtomicFile.write(sidecar, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(side));
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
        }
        return new Written(weights, sidecar, peer ? PEER_NAMING : OWN_NAMING, whyNotPeer, differences, tensors.size());
    }

    /**
     * Reads {@code weights} and its sidecar and builds the network they describe with {@code plugins}: the template
     * (every path kept) or the strategy's standalone network, with every array loaded. A missing or foreign file, a
     * tensor missing or of the wrong shape, or one the network has no place for is a {@link UserException}.
     */
    public static Loaded load(Path weights, PluginCatalog plugins, Consumer<String> warn) {
        if (!Files.isRegularFile(weights)) {
            throw new UserException(weights + " does not exist");
        }
        Path sidecarFile = sidecarOf(weights);
        if (!Files.isRegularFile(sidecarFile)) {
            throw new UserException(sidecarFile + " is missing: a model file needs the JSON sidecar `stfusion export` "
                    + "writes beside it, which says how to build the network");
        }
        JsonNode side;
        try {
            side = JSON.readTree(sidecarFile.toFile());
        } catch (IOException e) {
            throw new UserException(sidecarFile + " is not valid JSON: " + oneLine(e), e);
        }
        if (side == null || !FORMAT.equals(side.path("format").asText())) {
            throw new UserException(sidecarFile + " is not a " + FORMAT + " sidecar (format: "
                    + (side == null ? "none" : side.path("format").asText("none")) + ")");
        }
        SafeTensors.Contents contents = SafeTensors.read(weights);
        try {
            return build(weights, sidecarFile, side, contents, plugins, warn);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new UserException(sidecarFile + " does not describe a network: " + oneLine(e), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Loaded build(Path weights, Path sidecarFile, JsonNode side, SafeTensors.Contents contents,
                                PluginCatalog plugins, Consumer<String> warn) throws JsonProcessingException {
        JsonNode own = side.path("stfusion");
        ExperimentConfig config = ExperimentConfig.of(JSON.treeToValue(own.path("config"), Map.class));
        JsonNode in = side.path("input");
        List<String> classes = JSON.treeToValue(side.path("classes"), List.class);
        InputSpec input = new InputSpec(in.path("channels").asInt(), in.path("frames").asInt(), in.path("height").asInt(),
                in.path("width").asInt(), classes == null ? 0 : classes.size());
        PluginConfig section = config.backbone();
        BackboneProvider provider = plugins.backbones().get(section.key("name"), section.getString("name", null));
        String savedVersion = own.path("backbone").path("version").asText(provider.version());
        if (!savedVersion.equals(provider.version())) {
            warn.accept(sidecarFile + " was written with backbone " + provider.name() + " " + savedVersion + ", this is "
                    + provider.version());
        }
        Backbone backbone = provider.create(section, input);
        section.rejectUnknownKeys();
        List<FusionPath> paths = new ArrayList<>();
        for (String name : config.fusionPaths()) {
            PluginConfig pathSection = config.fusionPath(name);
            paths.add(plugins.fusionUnits().get("fusion.paths", name).create(pathSection));
            pathSection.rejectUnknownKeys();
        }
        var training = config.training();
        TemplateNetwork template = new TemplateNetwork(backbone, input, paths,
                training.vdp(Math.max(1, own.path("dataset").path("trainItems").asLong(1))),
                training.precision().dataType(), config.seed(), config.engine());
        int batch = config.sampling().evalBatchSize();
        StrategyDescriptor strategy = side.has("strategy") ? JSON.treeToValue(side.get("strategy"), StrategyDescriptor.class)
                : null;
        ParameterStore store;
        List<String> positions;
        ClipClassifier classifier;
        if (strategy == null) {
            store = template.store();
            positions = template.positions().stream().map(PositionInfo::name).toList();
            classifier = ClipClassifier.allKept(template, classes, "the template in " + weights, batch);
        } else {
            StandaloneNetwork network = new Materializer(backbone, PluginRef.of(PluginCatalog.BACKBONE, provider), input,
                    paths, template).build(strategy, config.seed());
            store = network.store();
            positions = network.evaluation().positions().stream().map(PositionInfo::name).toList();
            classifier = ClipClassifier.of(network, input, classes, "strategy " + strategy.id() + " in " + weights, batch);
        }
        String naming = side.path("naming").asText();
        Map<String, INDArray> arrays = new LinkedHashMap<>(store.trainable());
        arrays.putAll(store.state());
        Map<String, String> names;
        if (naming.equals(PEER_NAMING)) {
            try {
                names = PeerNames.map(arrays.keySet(), positions);
            } catch (PeerNames.NoPeerName e) {
                throw new UserException(sidecarFile + " says the tensors have the peer's names, but " + e.getMessage());
            }
        } else if (naming.equals(OWN_NAMING)) {
            names = identity(arrays.keySet());
        } else {
            throw new UserException(sidecarFile + ": unknown naming '" + naming + "'");
        }
        Set<String> used = new HashSet<>();
        for (var e : arrays.entrySet()) {
            String fileName = names.get(e.getKey());
            SafeTensors.Tensor t = contents.tensors().get(fileName);
            if (t == null) {
                throw new UserException(weights + " has no tensor '" + fileName + "', which the network needs");
            }
            TorchLayout.assign(weights.toString(), fileName, t, e.getKey(), e.getValue());
            used.add(fileName);
        }
        for (String name : contents.tensors().keySet()) {
            boolean counter = naming.equals(PEER_NAMING) && name.endsWith(".num_batches_tracked");
            if (!used.contains(name) && !counter) {
                throw new UserException(weights + " holds tensor '" + name + "', which the network described by "
                        + sidecarFile.getFileName() + " does not have");
            }
        }
        return new Loaded(classifier, strategy, naming, Collections.unmodifiableMap(arrays), config);
    }

    private static Map<String, String> identity(Set<String> names) {
        Map<String, String> m = new LinkedHashMap<>();
        names.forEach(n -> m.put(n, n));
        return m;
    }

    private static String oneLine(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
