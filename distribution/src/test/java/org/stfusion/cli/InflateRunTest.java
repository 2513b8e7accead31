package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.Tensor;
import org.stfusion.api.report.ReporterProvider;
import org.stfusion.api.report.RunResults;
import org.stfusion.backbones.DenseNet3dProvider;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.export.SafeTensors;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.fusionunits.SpatialPathProvider;
import org.stfusion.fusionunits.TemporalPathProvider;
import org.stfusion.testkit.InflationKit;

/**
 * {@code backbone.inflate} in a run: the template's first checkpoint holds the inflated weights, every checkpoint
 * and results.json record the file and its SHA-256, resuming never reads the file again; a file that is missing or
 * does not fit, or a backbone without a 2D counterpart, fails before anything is written.
 */
class InflateRunTest {
    private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml");
    private static final Map<String, Object> MICRO_BACKBONE = Map.of("preset", "tiny", "initFeatures", 8, "growth", 8,
            "bnSize", 2, "blocks", List.of(2, 2), "stemTemporalKernel", 1, "stemPoolTemporalKernel", 1);
    private static final List<String> MICRO = List.of("backbone.preset=tiny", "backbone.initFeatures=8", "backbone.growth=8",
            "backbone.bnSize=2", "backbone.blocks=[2,2]", "dataset.classes=2", "dataset.size=16", "dataset.trainSize=48",
            "dataset.valSize=20", "training.warmupEpochs=1", "training.vdpEpochs=2", "training.lrSteps=[]",
            "training.batchSize=16", "sampling.count=0", "training.keepCheckpoints=10", "reporters=[json]");

    @TempDir
    Path tmp;

    private static ExperimentConfig config(String... extra) {
        List<String> all = new ArrayList<>(MICRO);
        all.addAll(List.of(extra));
        return ExperimentConfig.load(EXAMPLE, all);
    }

    private static List<FusionPath> paths() {
        return List.of(new SpatialPathProvider().create(PluginConfig.empty("fusion.spatial")),
                new TemporalPathProvider().create(PluginConfig.empty("fusion.temporal")));
    }

    /** A random 2D DenseNet state_dict with torchvision's names for the micro network. */
    private static Map<String, SafeTensors.Tensor> writeWeights(Path file, Map<String, Object> backbone) {
        return InflationKit.writeRandomStateDict(file, new DenseNet3dProvider(), backbone, new InputSpec(3, 8, 16, 16, 2),
                paths(), 9);
    }

    /**
     * What inflation makes of 2D tensor {@code key}: a kernel [out, in, kH, kW] as [kT, kH, kW, in, out] holding
     * kernel / kT on each tap, or a vector as [1, C, 1, 1, 1].
     */
    private static INDArray inflated(Map<String, SafeTensors.Tensor> file, String key, int kt) {
        SafeTensors.Tensor t = file.get(key);
        INDArray torch = Nd4j.create(t.toDoubles(), t.shape(), 'c');
        if (t.shape().length == 1) {
            return torch.reshape(1, t.shape()[0], 1, 1, 1).castTo(DataType.FLOAT);
        }
        INDArray kernel = torch.permute(2, 3, 1, 0).div(kt);
        INDArray[] taps = new INDArray[kt];
        java.util.Arrays.fill(taps, kernel.reshape(1, kernel.size(0), kernel.size(1), kernel.size(2), kernel.size(3)));
        return Nd4j.concat(0, taps).castTo(DataType.FLOAT);
    }

    private static RunResults run(PluginCatalog plugins, ExperimentConfig config, Path dir, boolean resume) {
        try (Experiment e = Experiment.open(plugins, config, dir, new PrintStream(new ByteArrayOutputStream()))) {
            e.checkCanTrain(resume);
            return e.run(resume);
        }
    }

    private static PluginCatalog catalog() {
        return PluginCatalog.discover(InflateRunTest.class.getClassLoader(), null);
    }

    @Test
    void anInflatedRunRecordsWhereItStartedAndResumingNeverInflatesAgain() throws Exception {
        Path weights = tmp.resolve("weights/densenet-micro.safetensors");
        Files.createDirectories(weights.getParent());
        Map<String, SafeTensors.Tensor> file = writeWeights(weights, MICRO_BACKBONE);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(weights)));
        Path dir = tmp.resolve("run");
        // "killed" after the first v-DropPath epoch
        run(catalog(), config("backbone.inflate=" + weights, "training.vdpEpochs=1"), dir, false);

        // the initial weights (epoch 0) are the inflated ones, to the last value
        Map<String, INDArray> expected = Map.of(
                "trainable/stem.conv.weight", inflated(file, "features.conv0.weight", 1),
                "trainable/B1.L2.ST.conv.weight", inflated(file, "features.denseblock1.denselayer2.conv1.weight", 3),
                "trainable/B1.L2.S.conv.weight", inflated(file, "features.denseblock1.denselayer2.conv1.weight", 1),
                "trainable/T1.ST.bn.gamma", inflated(file, "features.transition1.norm.weight", 1),
                "trainable/B2.L2.conv.weight", inflated(file, "features.denseblock2.denselayer2.conv2.weight", 1),
                "state/head.bn.runningMean", inflated(file, "features.norm5.running_mean", 1));
        try (ZipFile zip = new ZipFile(dir.resolve("checkpoints/epoch-0000.zip").toFile())) {
            for (var e : expected.entrySet()) {
                INDArray saved = Nd4j.read(new DataInputStream(zip.getInputStream(zip.getEntry(e.getKey()))));
                assertEquals(e.getValue(), saved, e.getKey());
            }
        }
        JsonNode recorded = manifest(dir.resolve("checkpoints/epoch-0002.zip")).get("initialisation");
        assertEquals("inflated", recorded.get("mode").asText());
        assertEquals(weights.toString(), recorded.get("file").asText());
        assertEquals(sha256, recorded.get("sha256").asText());
        assertEquals("[\"head.fc.weight\",\"head.fc.bias\"]", recorded.get("leftAtInitialisation").toString());

        // resuming reads the checkpoint, never the 2D file: gone, and the run still continues
        Files.delete(weights);
        run(catalog(), config("backbone.inflate=" + weights), dir, true);
        JsonNode init = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("training").get("initialisation");
        assertEquals("inflated", init.get("mode").asText());
        assertEquals(sha256, init.get("sha256").asText());
        assertEquals(weights.toString(), init.get("file").asText());
    }

    private static JsonNode manifest(Path checkpoint) throws java.io.IOException {
        try (ZipFile zip = new ZipFile(checkpoint.toFile())) {
            return new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("manifest.json")));
        }
    }

    /** The study's networks start where the template did: from the same 2D file, read again after training. */
    @Test
    void theStudyStartsItsNetworksFromTheSameWeights() throws Exception {
        Path weights = tmp.resolve("densenet-micro.safetensors");
        writeWeights(weights, MICRO_BACKBONE);
        Path dir = tmp.resolve("study");
        try (Experiment e = Experiment.open(catalog(), config("backbone.inflate=" + weights, "training.vdpEpochs=1",
                "sampling.count=2", "study.epochs=1"), dir, new PrintStream(new ByteArrayOutputStream()))) {
            e.checkCanTrain(false);
            assertEquals("inflated from " + weights, e.study().run(e.run(false), false).start());
        }
        assertEquals("inflated from " + weights,
                new ObjectMapper().readTree(dir.resolve("study.json").toFile()).get("start").asText());
    }

    @Test
    void aRunWithoutTheKeyRecordsThatItStartedFromScratch() throws Exception {
        Path dir = tmp.resolve("scratch");
        run(catalog(), config("training.vdpEpochs=1"), dir, false);
        JsonNode init = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("training").get("initialisation");
        assertEquals("scratch", init.get("mode").asText());
    }

    @Test
    void aMissingOrMisfittingFileFailsBeforeAnythingIsWritten() {
        Path dir = tmp.resolve("bad");
        Path nowhere = tmp.resolve("nowhere.safetensors");
        ConfigException e = assertThrows(ConfigException.class, () -> run(catalog(), config("backbone.inflate=" + nowhere),
                dir, false));
        assertEquals("backbone.inflate", e.key());
        assertTrue(e.getMessage().contains("no such file: " + nowhere), e.getMessage());

        Path other = tmp.resolve("growth4.safetensors");
        Map<String, Object> growth4 = new java.util.HashMap<>(MICRO_BACKBONE);
        growth4.put("growth", 4);
        writeWeights(other, growth4);
        e = assertThrows(ConfigException.class, () -> run(catalog(), config("backbone.inflate=" + other), dir, false));
        assertTrue(e.getMessage().startsWith("backbone.inflate: " + other + ": tensor 'features.denseblock1.denselayer1."),
                e.getMessage());
        assertTrue(Files.notExists(dir), "nothing is written for a file that does not fit");
    }

    @Test
    void aBackboneWithoutATwoDimensionalCounterpartRefusesTheKey() {
        List<NamedProvider> providers = new ArrayList<>();
        for (Class<? extends NamedProvider> spi : List.of(BackboneProvider.class, FusionUnitProvider.class,
                DatasetProvider.class, ReporterProvider.class)) {
            ServiceLoader.load(spi).forEach(providers::add);
        }
        providers.add(new BackboneProvider() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public Backbone create(PluginConfig config, InputSpec input) {
                Backbone densenet = new DenseNet3dProvider().create(config, input);
                return new Backbone() { // no inflation(): the default, empty
                    @Override
                    public Tensor build(NetworkBuilder builder, Tensor x) {
                        return densenet.build(builder, x);
                    }

                    @Override
                    public Map<String, Object> settings() {
                        return densenet.settings();
                    }
                };
            }
        });
        ConfigException e = assertThrows(ConfigException.class, () -> Experiment.open(PluginCatalog.of(providers),
                config("backbone.name=plain", "backbone.inflate=x.safetensors"), tmp.resolve("plain"), System.out));
        assertEquals("backbone.inflate", e.key());
        assertTrue(e.getMessage().contains("backbone plain does not support backbone.inflate"), e.getMessage());
    }
}
