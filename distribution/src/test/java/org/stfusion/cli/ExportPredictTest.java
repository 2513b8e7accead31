package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.export.ModelFile;
import org.stfusion.core.export.PeerNames;
import org.stfusion.core.export.SafeTensors;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.predict.NumpyFile;

/**
 * {@code stfusion export} and {@code stfusion predict} on one micro run: what the file holds is what training saved,
 * named and shaped as the PyTorch peer's state_dict; predictions are the scorer's.
 */
class ExportPredictTest {
    private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml");
    /** ExperimentTest's micro network, with the peer's own stem (5x7x7 conv, 3x3x3 max-pool) so that it fits unchanged. */
    private static final List<String> MICRO = List.of("backbone.preset=tiny", "backbone.initFeatures=8",
            "backbone.growth=8", "backbone.bnSize=2", "backbone.blocks=[2,2]", "backbone.stemTemporalKernel=5",
            "backbone.stemPoolTemporalKernel=3", "dataset.classes=2", "dataset.size=16", "dataset.trainSize=96",
            "dataset.valSize=40", "training.warmupEpochs=1", "training.vdpEpochs=1", "training.lrSteps=[]",
            "training.batchSize=16", "sampling.count=4");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path run;
    static Path clips;
    static int[] labels;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainOnceAndWriteTheValidationClips() throws Exception {
        run = shared.resolve("run");
        ExperimentConfig config = ExperimentConfig.load(EXAMPLE, MICRO);
        try (Experiment e = Experiment.open(catalog(), config, run, quiet())) {
            e.run(false);
        }
        // The validation split as the scorer sees it (one view per item), written by ND4J's own .npy writer.
        try (Dataset data = catalog().datasets().get("dataset.name", "synthetic").open(config.dataset())) {
            int n = data.size(Split.VALIDATION);
            var in = data.inputSpec();
            INDArray all = Nd4j.create(DataType.FLOAT, n, in.channels(), in.frames(), in.height(), in.width());
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                Clip clip = data.view(Split.VALIDATION, i, 0);
                all.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(
                        Nd4j.create(clip.data(), new long[] {in.channels(), in.frames(), in.height(), in.width()}, 'c'));
                labels[i] = clip.label();
            }
            clips = shared.resolve("val.npy");
            Nd4j.writeAsNumpy(all, clips.toFile());
        }
    }

    /** Every array of the trained template comes back from the file exactly, under its name and in its layout. */
    @Test
    void theTemplateRoundTripsAndIsThePeersStateDict() throws Exception {
        Path file = tmp.resolve("template.safetensors");
        StfusionCliTest.Result r = StfusionCliTest.run("-q", "export", run.toString(), "--out", file.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Model: " + file) && r.out().contains("Sidecar: " + tmp.resolve("template.json")), r.out());

        ModelFile.Loaded loaded = ModelFile.load(file, catalog(), w -> { });
        assertEquals(ModelFile.PEER_NAMING, loaded.naming());
        assertSameArrays(checkpointArrays(ExperimentTest.newestCheckpoint(run)), loaded.arrays());

        SafeTensors.Contents contents = SafeTensors.read(file);
        assertShapes(peerStateDict(null), contents);
        JsonNode py = JSON.readTree(tmp.resolve("template.json").toFile()).get("pytorch");
        assertEquals("template", py.get("strategy").asText());
        assertEquals(JSON.readTree("{\"init_features\":8,\"growth\":8,\"bn_size\":2,\"blocks\":[2,2],\"frames\":8,"
                + "\"size\":16,\"classes\":2}"), py.get("config"), "the peer's Config fields");
        assertEquals(0, py.get("differences").size(), "the peer's own kernels");
        assertMappingCoversEveryTensorBothWays(loaded.arrays().keySet(), strategy("best").positions(), contents);
        assertEquals("pt", contents.metadata().get("format"));
    }

    /** The best strategy's file holds its materialised network exactly: only the kept paths, the scored statistics. */
    @Test
    void aStrategyRoundTripsAndIsThePeersStateDictWithTheUnkeptPathsRemoved() throws Exception {
        Path file = tmp.resolve("best.safetensors");
        assertEquals(0, StfusionCliTest.run("-q", "export", run.toString(), "--strategy", "best", "--out", file.toString()).code());
        StrategyDescriptor best = strategy("best");
        Path network = tmp.resolve("best-network.zip");
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.loadRunDir(run), run, quiet())) {
            e.strategies().materialize(best, true, network);
        }
        ModelFile.Loaded loaded = ModelFile.load(file, catalog(), w -> { });
        assertEquals(best, loaded.strategy());
        assertSameArrays(checkpointArrays(network), loaded.arrays());

        SafeTensors.Contents contents = SafeTensors.read(file);
        assertShapes(peerStateDict(best.units()), contents);
        assertMappingCoversEveryTensorBothWays(loaded.arrays().keySet(), best.positions(), contents);
        JsonNode py = JSON.readTree(tmp.resolve("best.json").toFile()).get("pytorch");
        Set<String> units = new HashSet<>(best.units());
        List<String> remove = new ArrayList<>();
        py.get("remove").forEach(n -> remove.add(n.asText()));
        if (units.size() == 1) {
            assertEquals(best.units().get(0), py.get("strategy").asText());
            assertEquals(List.of(), remove);
        } else {
            assertEquals("S+ST", py.get("strategy").asText());
            for (int i = 0; i < best.units().size(); i++) {
                List<String> kept = List.of(best.units().get(i).split("\\+"));
                assertEquals(!kept.contains("S"), remove.contains("stages." + i + ".s_path"), "stage " + i);
                assertEquals(!kept.contains("ST"), remove.contains("stages." + i + ".t_path"), "stage " + i);
            }
        }
    }

    /**
     * Predictions from the run directory score as the run did (top-1 of the best strategy, recalibrated statistics),
     * and the exported file predicts the same logits.
     */
    @Test
    void predictScoresTheValidationClipsAsTheRunDid() throws Exception {
        Path logits = tmp.resolve("logits.npy");
        StfusionCliTest.Result r = StfusionCliTest.run("predict", run.toString(), "--input", clips.toString(), "--top", "2",
                "--out", logits.toString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("clip ")).toList();
        assertEquals(labels.length, lines.size());
        assertTrue(lines.get(0).matches("clip 0:  (right|left) \\d+\\.\\d% {2}(right|left) \\d+\\.\\d%"), lines.get(0));

        INDArray fromRun = NumpyFile.read(logits);
        assertArrayEquals(new long[] {labels.length, 2}, fromRun.shape());
        double top1 = 0;
        for (int i = 0; i < labels.length; i++) {
            top1 += fromRun.getRow(i).argMax().getInt(0) == labels[i] ? 1 : 0;
        }
        JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
        assertEquals(results.get("best").get("top1").asDouble(), top1 / labels.length, 1e-12);

        Path file = tmp.resolve("best.safetensors");
        assertEquals(0, StfusionCliTest.run("-q", "export", run.toString(), "--strategy", "best", "--out", file.toString()).code());
        Path fromFile = tmp.resolve("file-logits.npy");
        Path json = tmp.resolve("top.json");
        assertEquals(0, StfusionCliTest.run("-q", "predict", file.toString(), "--input", clips.toString(), "--out",
                fromFile.toString()).code());
        assertTrue(maxAbsDifference(fromRun, NumpyFile.read(fromFile)) <= 1e-6);
        assertEquals(0, StfusionCliTest.run("-q", "predict", file.toString(), "--input", clips.toString(), "--top", "1",
                "--out", json.toString()).code());
        JsonNode first = JSON.readTree(json.toFile()).get("clips").get(0).get("top");
        assertEquals(1, first.size());
        assertEquals(fromRun.getRow(0).argMax().getInt(0), first.get(0).get("index").asInt());
    }

    /**
     * Predict gives the logits the run's scorer computes for the same clips (the template under the strategy's hard
     * masks, statistics recalibrated for it), for the best strategy and all-S; under the paper's protocol (the
     * template's statistics) the exported template gives the all-S+ST strategy's.
     */
    @Test
    void predictGivesTheScorersLogits() throws Exception {
        INDArray x = NumpyFile.read(clips);
        for (String id : List.of("best", "S")) {
            Path logits = tmp.resolve(id + ".npy");
            assertEquals(0, StfusionCliTest.run("-q", "predict", run.toString(), "--strategy", id, "--input",
                    clips.toString(), "--out", logits.toString()).code());
            INDArray scorer;
            try (Experiment e = Experiment.open(catalog(), ExperimentConfig.loadRunDir(run), run, quiet())) {
                scorer = e.exports().scoredLogits(e.strategies().descriptor(id), x);
            }
            assertClose(scorer, NumpyFile.read(logits), id);
        }

        Path run0 = tmp.resolve("run0");
        copyTree(run, run0);
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.load(run0.resolve("config.yaml"),
                List.of("sampling.bnRecalibration=0")), run0, quiet())) {
            e.sample();
        }
        Path template = tmp.resolve("template.safetensors");
        Path templateLogits = tmp.resolve("template-logits.npy");
        assertEquals(0, StfusionCliTest.run("-q", "export", run0.toString(), "--out", template.toString()).code());
        assertEquals(0, StfusionCliTest.run("-q", "predict", template.toString(), "--input", clips.toString(), "--out",
                templateLogits.toString()).code());
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.loadRunDir(run0), run0, quiet())) {
            assertClose(e.exports().scoredLogits(e.strategies().descriptor("S+ST"), x), NumpyFile.read(templateLogits), "template");
        }
    }

    /** A backbone without a PyTorch peer keeps stfusion's names, in PyTorch's layouts, and still round-trips. */
    @Test
    void otherBackbonesKeepStfusionsNames() throws Exception {
        Path config = Files.writeString(tmp.resolve("resnet.yaml"), String.join("\n",
                "name: resnet-export", "seed: 3",
                "backbone: {name: resnet3d, preset: tiny, blocks: [1, 1], baseWidth: 4, stemTemporalKernel: 1}",
                "dataset: {name: synthetic, task: motion, classes: 2, frames: 4, size: 16, trainSize: 32, valSize: 16}",
                "training: {batchSize: 16, warmupEpochs: 0, vdpEpochs: 1}",
                "sampling: {count: 0}", "reporters: [json]", ""));
        Path resnet = tmp.resolve("resnet-run");
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.load(config, List.of()), resnet, quiet())) {
            e.run(false);
        }
        Path file = tmp.resolve("resnet.safetensors");
        StfusionCliTest.Result r = StfusionCliTest.run("export", resnet.toString(), "--out", file.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("stfusion's names"), r.out());
        JsonNode side = JSON.readTree(tmp.resolve("resnet.json").toFile());
        assertEquals(ModelFile.OWN_NAMING, side.get("naming").asText());
        assertTrue(side.get("whyNotPeer").asText().contains("resnet3d"), side.toString());
        assertFalse(side.has("pytorch"));

        ModelFile.Loaded loaded = ModelFile.load(file, catalog(), w -> { });
        Map<String, INDArray> saved = checkpointArrays(ExperimentTest.newestCheckpoint(resnet));
        assertSameArrays(saved, loaded.arrays());
        SafeTensors.Contents contents = SafeTensors.read(file);
        assertEquals(saved.keySet(), contents.tensors().keySet(), "our names, nothing added");
        saved.forEach((name, a) -> {
            long[] torch = contents.tensors().get(name).shape();
            if (a.rank() == 5 && name.endsWith(".weight")) {
                assertArrayEquals(new long[] {a.size(4), a.size(3), a.size(0), a.size(1), a.size(2)}, torch, name);
            }
        });
        assertEquals(0, StfusionCliTest.run("-q", "predict", file.toString(), "--input", writeClips(16, 3, 4, 16, 16)).code());
    }

    @Test
    void badInputsAreOneLineNamingTheFile() throws Exception {
        Path wrongShape = tmp.resolve("frames.npy");
        Nd4j.writeAsNumpy(Nd4j.create(DataType.FLOAT, 2, 3, 16, 16), wrongShape.toFile());
        String msg = StfusionCliTest.userError(StfusionCliTest.run("predict", run.toString(), "--input", wrongShape.toString()));
        assertEquals("stfusion: " + wrongShape + ": expected clips [N, 3, 8, H, W] (N, C, T, H, W; the network was trained "
                + "on 16x16 px and takes any size its layers can reduce), got [2, 3, 16, 16]", msg);

        Path missing = tmp.resolve("missing.npy");
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", run.toString(), "--input", missing.toString()));
        assertEquals("stfusion: " + missing + " does not exist", msg);

        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", run.toString(), "--input", clips.toString(),
                "--strategy", "s999"));
        assertTrue(msg.startsWith("stfusion: no strategy 's999' in " + run), msg);
        msg = StfusionCliTest.userError(StfusionCliTest.run("export", run.toString(), "--strategy", "nope"));
        assertTrue(msg.startsWith("stfusion: no strategy 'nope' in " + run), msg);
        Path noStrategyFile = tmp.resolve("gone.json");
        msg = StfusionCliTest.userError(StfusionCliTest.run("export", run.toString(), "--strategy", noStrategyFile.toString()));
        assertTrue(msg.contains(noStrategyFile + " does not exist"), msg);

        Path video = Files.writeString(tmp.resolve("clip.mp4"), "not really");
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", run.toString(), "--input", video.toString()));
        assertTrue(msg.startsWith("stfusion: --input " + video + ": the run's dataset plugin 'synthetic' decodes no videos"),
                msg);

        msg = StfusionCliTest.userError(StfusionCliTest.run("export", run.toString(), "--out", tmp.resolve("m.bin").toString()));
        assertTrue(msg.contains("--out: expected a file name ending in .safetensors"), msg);

        Path file = tmp.resolve("m.safetensors");
        assertEquals(0, StfusionCliTest.run("-q", "export", run.toString(), "--out", file.toString()).code());
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", file.toString(), "--input", clips.toString(),
                "--strategy", "S"));
        assertTrue(msg.contains("--strategy chooses a strategy of a run directory"), msg);
        Path lonely = tmp.resolve("lonely.safetensors");
        Files.copy(file, lonely);
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", lonely.toString(), "--input", clips.toString()));
        assertEquals("stfusion: " + tmp.resolve("lonely.json") + " is missing: a model file needs the JSON sidecar "
                + "`stfusion export` writes beside it, which says how to build the network", msg);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) - 10));
        Files.copy(tmp.resolve("m.json"), tmp.resolve("cut.json"));
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", cut.toString(), "--input", clips.toString()));
        assertTrue(msg.startsWith("stfusion: " + cut + " is not a valid safetensors file"), msg);
        Path nowhere = tmp.resolve("nowhere");
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", nowhere.toString(), "--input", clips.toString()));
        assertTrue(msg.startsWith("stfusion: " + nowhere + " does not exist"), msg);
    }

    // ---- the PyTorch peer's naming rule, written from FusionDenseNet3D's constructor (examples/pytorch/fusion_densenet3d.py) ----

    /**
     * The keys and shapes of {@code FusionDenseNet3D(Config(8, 8, 2, (2, 2), classes=2), strategy).state_dict()} for
     * the template ({@code units} null) or a strategy with the given unit per stage (paths it does not keep set to
     * None): stem_conv [F, 3, 5, 7, 7], stem_bn; per stage a dense layer's s_path/t_path (bn, conv, gate.theta in the
     * template), bn and 1x3x3 conv, or a transition's paths to C/2; head_bn, fc_gate.theta (template), fc.
     */
    private static Map<String, long[]> peerStateDict(List<String> units) {
        int features = 8;
        int growth = 8;
        int bnSize = 2;
        List<Integer> blocks = List.of(2, 2);
        int classes = 2;
        Map<String, long[]> m = new LinkedHashMap<>();
        int c = features;
        m.put("stem_conv.weight", new long[] {c, 3, 5, 7, 7});
        batchNorm(m, "stem_bn", c);
        int stage = 0;
        for (int b = 0; b < blocks.size(); b++) {
            for (int layer = 0; layer < blocks.get(b); layer++) {
                String prefix = "stages." + stage;
                int width = bnSize * growth;
                paths(m, prefix, c, width, units == null ? null : units.get(stage));
                batchNorm(m, prefix + ".bn", width);
                m.put(prefix + ".conv.weight", new long[] {growth, width, 1, 3, 3});
                c += growth;
                stage++;
            }
            if (b != blocks.size() - 1) {
                paths(m, "stages." + stage, c, c / 2, units == null ? null : units.get(stage));
                c /= 2;
                stage++;
            }
        }
        batchNorm(m, "head_bn", c);
        if (units == null) {
            m.put("fc_gate.theta", new long[0]);
        }
        m.put("fc.weight", new long[] {classes, c});
        m.put("fc.bias", new long[] {classes});
        return m;
    }

    private static void paths(Map<String, long[]> m, String prefix, int in, int out, String unit) {
        List<String> kept = unit == null ? List.of("S", "ST") : List.of(unit.split("\\+"));
        for (String path : List.of("S", "ST")) {
            if (!kept.contains(path)) {
                continue;
            }
            String p = prefix + (path.equals("S") ? ".s_path" : ".t_path");
            batchNorm(m, p + ".bn", in);
            m.put(p + ".conv.weight", new long[] {out, in, path.equals("S") ? 1 : 3, 1, 1});
            if (unit == null) {
                m.put(p + ".gate.theta", new long[0]);
            }
        }
    }

    private static void batchNorm(Map<String, long[]> m, String name, int c) {
        for (String field : List.of("weight", "bias", "running_mean", "running_var")) {
            m.put(name + "." + field, new long[] {c});
        }
        m.put(name + ".num_batches_tracked", new long[0]);
    }

    private static void assertShapes(Map<String, long[]> expected, SafeTensors.Contents contents) {
        assertEquals(new HashSet<>(expected.keySet()), contents.tensors().keySet(), "exactly the peer's keys");
        expected.forEach((name, shape) -> assertArrayEquals(shape, contents.tensors().get(name).shape(), name));
        contents.tensors().forEach((name, t) -> assertEquals(name.endsWith(".num_batches_tracked")
                ? SafeTensors.DType.I64 : SafeTensors.DType.F32, t.dtype(), name));
    }

    /** Our names map one to one onto the file's names; the file has nothing else but the batch counters. */
    private static void assertMappingCoversEveryTensorBothWays(Set<String> ours, List<String> positions,
                                                               SafeTensors.Contents contents) throws Exception {
        Map<String, String> map = PeerNames.map(ours, positions);
        assertEquals(ours, map.keySet());
        Set<String> images = new HashSet<>(map.values());
        assertEquals(ours.size(), images.size(), "one to one");
        Set<String> withCounters = new HashSet<>(images);
        withCounters.addAll(PeerNames.counters(images));
        assertEquals(contents.tensors().keySet(), withCounters);
    }

    // ---- helpers ----

    private static PluginCatalog catalog() {
        return PluginCatalog.discover(ExportPredictTest.class.getClassLoader(), null);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    private static StrategyDescriptor strategy(String id) {
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.loadRunDir(run), run, quiet())) {
            return e.strategies().descriptor(id);
        }
    }

    /** The trainable and state arrays of a checkpoint or network file, by name. */
    private static Map<String, INDArray> checkpointArrays(Path zip) throws IOException {
        Map<String, INDArray> arrays = new HashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (var entry : java.util.Collections.list(z.entries())) {
                String name = entry.getName();
                String prefix = name.startsWith("trainable/") ? "trainable/" : name.startsWith("state/") ? "state/" : null;
                if (prefix != null) {
                    try (var in = new DataInputStream(z.getInputStream(entry))) {
                        arrays.put(name.substring(prefix.length()), Nd4j.read(in));
                    }
                }
            }
        }
        return arrays;
    }

    private static void assertSameArrays(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, a) -> {
            INDArray b = actual.get(name);
            assertArrayEquals(a.shape(), b.shape(), name);
            assertEquals(a.dataType(), b.dataType(), name);
            assertArrayEquals(a.dup().reshape(a.length()).toDoubleVector(), b.dup().reshape(b.length()).toDoubleVector(),
                    0.0, name);
        });
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double difference = maxAbsDifference(expected, actual);
        assertTrue(difference <= 1e-5 * scale, what + ": largest difference " + difference + " at |logit| up to " + scale);
    }

    private static double maxAbsDifference(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape());
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    private String writeClips(long... shape) {
        Path f = tmp.resolve("random.npy");
        NumpyFile.writeFloat32(f, Nd4j.rand(DataType.FLOAT, shape));
        return f.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(".stfusion-lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
