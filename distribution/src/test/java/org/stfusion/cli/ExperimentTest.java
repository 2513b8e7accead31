package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.model.Kernel3;
import org.stfusion.api.model.NetworkBuilder;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.model.Tensor;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.ReporterProvider;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.data.BadItemLedger;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.UserException;
import org.stfusion.core.strategy.Materializer;
import org.stfusion.core.study.StudyResults;
import org.stfusion.testkit.ForwardingDataset;


/** The whole pipeline on a micro network and the shipped example config. */
class ExperimentTest {
    private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml");
    private static final List<String> MICRO = List.of("backbone.preset=tiny", "backbone.initFeatures=8", "backbone.growth=8",
            "backbone.bnSize=2", "backbone.blocks=[2,2]", "dataset.classes=2", "dataset.size=16", "dataset.trainSize=96",
            "dataset.valSize=40", "training.warmupEpochs=1", "training.vdpEpochs=2", "training.lrSteps=[]",
            "training.batchSize=16", "sampling.count=12");

    @TempDir
    Path tmp;

    private static ExperimentConfig config(List<String> extra) {
        List<String> all = new ArrayList<>(MICRO);
        all.addAll(extra);
        return ExperimentConfig.load(EXAMPLE, all);
    }

    private static PluginCatalog catalog() {
        return PluginCatalog.discover(ExperimentTest.class.getClassLoader(), null);
    }

    private static RunResults run(PluginCatalog plugins, ExperimentConfig config, Path dir, boolean resume) {
        try (Experiment e = Experiment.open(plugins, config, dir, new PrintStream(new ByteArrayOutputStream()))) {
            return e.run(resume);
        }
    }

    @Test
    void runWritesResultsAndStagesRepeatFromTheRunDirectory() throws Exception {
        Path dir = tmp.resolve("run");
        RunResults r = run(catalog(), config(List.of()), dir, false);
        assertTrue(Files.isRegularFile(newestCheckpoint(dir)));
        for (String f : List.of("config.yaml", ".stfusion-run", "checkpoints/warmup.zip", "scores.json",
                "results.json", "strategies.csv", "marginals.csv")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " is missing");
        }
        assertEquals("densenet3d", r.backbone().name());
        assertEquals("synthetic", r.dataset().name());
        assertEquals(96, r.dataset().trainItems());
        assertEquals(12, r.strategies().size());
        for (int i = 1; i < r.strategies().size(); i++) {
            assertTrue(r.strategies().get(i - 1).top1() >= r.strategies().get(i).top1(), "sorted by top-1");
        }
        assertEquals(r.strategies().get(0), r.best());
        assertEquals(List.of("S", "ST", "S+ST"), List.copyOf(r.named().keySet()));
        assertTrue(r.named().get("S").units().stream().allMatch("S"::equals));
        assertTrue(r.named().get("S").macsPerClip() < r.named().get("S+ST").macsPerClip());
        assertEquals(5, r.positions().size());
        for (PositionMarginal m : r.positions()) {
            assertEquals(1 - Math.sqrt(m.drop().get("S")), m.kept().get("S"), 1e-12);
            assertEquals(m.kept().get("S") * m.kept().get("ST"), m.unitMarginals().get("S+ST"), 1e-12);
            assertEquals(m.kept().get("S") * (1 - m.kept().get("ST")), m.unitMarginals().get("S"), 1e-12);
            assertTrue(m.drop().get("S") > 0 && m.drop().get("S") < 1 && m.drop().get("ST") > 0 && m.drop().get("ST") < 1);
        }
        for (StrategyResult s : r.strategies()) {
            assertNotNull(s.seed());
            assertEquals(5, s.units().size());
            assertTrue(s.units().stream().noneMatch("none"::equals), "every position keeps a path by default");
        }
        RunResults written = new ObjectMapper().readValue(dir.resolve("results.json").toFile(), RunResults.class);
        assertEquals(r.best(), written.best());

        // The stages run again from the run directory alone: same scores, same marginals.
        ExperimentConfig saved = ExperimentConfig.loadRunDir(dir);
        try (Experiment e = Experiment.open(catalog(), saved, dir, new PrintStream(new ByteArrayOutputStream()))) {
            RunResults again = e.sample();
            assertEquals(r.strategies(), again.strategies());
            assertEquals(r.positions(), again.positions());
        }
        try (Experiment e = Experiment.open(catalog(), saved, dir, new PrintStream(new ByteArrayOutputStream()))) {
            assertEquals(r.positions(), e.analyze().positions());
            assertThrows(UserException.class, () -> e.train(false), "a finished run is not silently overwritten");
        }

        // Strategies are values: descriptor -> standalone network -> descriptor, same score as in the template.
        try (Experiment e = Experiment.open(catalog(), saved, dir, new PrintStream(new ByteArrayOutputStream()))) {
            StrategyDescriptor best = e.strategies().descriptor("best");
            assertEquals(r.best().units(), best.units());
            assertEquals(5, best.positions().size());
            Path file = dir.resolve("best-network.zip");
            Materializer.Materialized m = e.strategies().materialize(best, true, file);
            assertEquals(best, m.descriptor());
            assertEquals(r.best().top1(), m.top1(), 1e-12, "inherited weights score as in the template");
            assertTrue(Files.isRegularFile(file));
            assertEquals(r.best().macsPerClip(), m.macsPerClip());
            StrategyDescriptor s = e.strategies().descriptor("S");
            assertTrue(s.units().stream().allMatch("S"::equals));
            assertTrue(e.strategies().materialize(s, false, null).parameters()
                    < m.parameters() || best.units().stream().allMatch("S"::equals));
            assertThrows(UserException.class, () -> e.strategies().descriptor("s999"));
            StrategyDescriptor json = new ObjectMapper().readValue(new ObjectMapper().writeValueAsString(best),
                    StrategyDescriptor.class);
            assertEquals(best, json);
        }

        // Successive halving: the survivors are scored on the whole set and rank first; fewer clip forwards.
        var halving = ExperimentConfig.load(dir.resolve("config.yaml"), List.of("sampling.successiveHalving=true",
                "sampling.halvingFirstSlice=0.25"));
        try (Experiment e = Experiment.open(catalog(), halving, dir, new PrintStream(new ByteArrayOutputStream()))) {
            RunResults h = e.sample();
            assertNull(h.best().scoredItems(), "the best was scored on the whole validation set");
            assertTrue(h.strategies().stream().anyMatch(s -> s.scoredItems() != null), "some were stopped early");
            assertTrue(h.best().top1() <= r.best().top1() + 1e-12);
            @SuppressWarnings("unchecked")
            var stats = (java.util.Map<String, Object>) h.training().get("successiveHalving");
            assertTrue(((Number) stats.get("saved")).longValue() > 0, stats.toString());
        }
    }

    /** A run scored before protocols were recorded reads as scored with the template's statistics, as it was. */
    @Test
    void aRunScoredBeforeProtocolsWereRecordedKeepsThePapersProtocol() throws Exception {
        Path dir = tmp.resolve("old");
        RunResults r = run(catalog(), config(List.of("sampling.bnRecalibration=0")), dir, false);
        ObjectMapper json = new ObjectMapper();
        var scores = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve("scores.json").toFile());
        scores.remove("protocol");
        scores.findParents("top1ByProtocol").forEach(n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n)
                .remove("top1ByProtocol"));
        json.writeValue(dir.resolve("scores.json").toFile(), scores);
        assertTrue(!Files.readString(dir.resolve("scores.json")).contains("recalibrated"), "the file is as old runs wrote it");

        ExperimentConfig saved = ExperimentConfig.loadRunDir(dir);
        try (Experiment e = Experiment.open(catalog(), saved, dir, new PrintStream(new ByteArrayOutputStream()))) {
            RunResults old = e.analyze();
            assertEquals(ScoringProtocol.TEMPLATE_STATISTICS, old.scoringProtocol());
            assertNull(old.best().top1ByProtocol());
            assertEquals(r.best().top1(), old.best().top1(), 1e-12);
            assertEquals(r.best().top1(), e.strategies().materialize(e.strategies().descriptor("best"), true, null).top1(), 1e-12,
                    "inherited weights keep the template's statistics, as the run was scored");
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.load(dir.resolve("config.yaml"),
                List.of("sampling.bnRecalibration=2")), dir, new PrintStream(console))) {
            RunResults again = e.sample();
            assertEquals(new ScoringProtocol(ScoringProtocol.RECALIBRATED, 2), again.scoringProtocol());
            assertEquals(r.named().get("S").top1(), again.named().get("S").top1Under(ScoringProtocol.TEMPLATE), 1e-12,
                    "rescored, the paper's column is what the run had");
        }
    }

    @Test
    void resumedRunEndsExactlyWhereAnUninterruptedOneDoes() {
        Path full = tmp.resolve("full");
        Path split = tmp.resolve("split");
        List<String> noSampling = List.of("sampling.count=0");
        RunResults uninterrupted = run(catalog(), config(noSampling), full, false);
        // "Killed" after the first v-DropPath epoch, then resumed with the full schedule.
        run(catalog(), config(List.of("sampling.count=0", "training.vdpEpochs=1")), split, false);
        RunResults resumed = run(catalog(), config(noSampling), split, true);
        for (int i = 0; i < uninterrupted.positions().size(); i++) {
            assertEquals(uninterrupted.positions().get(i).drop().get("S"), resumed.positions().get(i).drop().get("S"), 1e-6);
            assertEquals(uninterrupted.positions().get(i).drop().get("ST"), resumed.positions().get(i).drop().get("ST"), 1e-6);
        }
        assertEquals(uninterrupted.named().get("S+ST").top1(), resumed.named().get("S+ST").top1(), 1e-9);
    }

    @Test
    void configMistakesFailBeforeTrainingAndNameTheKey() {
        Path dir = tmp.resolve("bad");
        var plugins = catalog();
        ConfigException e = assertThrows(ConfigException.class, () -> config(List.of("training.warmupEpoch=3")));
        assertEquals("training.warmupEpoch", e.key());
        e = assertThrows(ConfigException.class, () -> Experiment.open(plugins, config(List.of("dataset.classes=3")), dir,
                System.out));
        assertEquals("dataset.classes", e.key());
        e = assertThrows(ConfigException.class, () -> Experiment.open(plugins, config(List.of("backbone.name=resnet9")),
                dir, System.out));
        assertTrue(e.getMessage().contains("unknown backbone 'resnet9'") && e.getMessage().contains("densenet3d"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> Experiment.open(plugins, config(List.of("backbone.growht=4")),
                dir, System.out));
        assertEquals("backbone.growht", e.key());
        e = assertThrows(ConfigException.class, () -> Experiment.open(plugins, config(List.of("reporters[0].progres=false")),
                dir, System.out));
        assertEquals("reporters[0].progres", e.key());
        assertTrue(Files.notExists(dir), "nothing is written for a bad config");
    }

    @Test
    void aFailingReporterDoesNotStopTheRunOrTheOthersButFailsTheCommandAtTheEnd() throws Exception {
        List<NamedProvider> providers = new ArrayList<>();
        for (Class<? extends NamedProvider> spi : List.of(BackboneProvider.class, FusionUnitProvider.class,
                DatasetProvider.class, ReporterProvider.class)) {
            ServiceLoader.load(spi).forEach(providers::add);
        }
        providers.add(new ReporterProvider() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Reporter create(PluginConfig config, ReporterContext context) {
                return event -> {
                    throw new IllegalStateException("disk full");
                };
            }
        });
        Path dir = tmp.resolve("broken");
        var e = assertThrows(org.stfusion.core.run.OutputException.class, () -> run(PluginCatalog.of(providers),
                config(List.of("reporters=[broken, json]", "sampling.count=2", "training.vdpEpochs=1",
                        "training.warmupEpochs=0")), dir, false));
        assertTrue(e.getMessage().startsWith("reporter 'broken' failed: disk full; the scores are safe in "), e.getMessage());
        assertTrue(Files.isRegularFile(dir.resolve("results.json")), "the json reporter still wrote its files");
        assertEquals(2, new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("strategies").size());
    }

    /** D1 and per-source drop rates: sampled strategies skip layers and ignore sources, and still materialise exactly. */
    @Test
    void layerGateAndPerSourceStrategiesMaterialiseAsScoredInTheTemplate() {
        Path dir = tmp.resolve("gates");
        RunResults r = run(catalog(), config(List.of("training.layerGate=true", "training.dropRatePer=source",
                "training.pInit=0.5", "training.warmupEpochs=0", "training.vdpEpochs=1", "sampling.count=6")), dir, false);
        assertTrue(r.positions().get(1).drop().containsKey("D1"), r.positions().get(1).toString());
        assertTrue(r.positions().get(1).drop().containsKey("S@1"), r.positions().get(1).toString());
        assertTrue(r.strategies().stream().anyMatch(s -> s.units().contains(StrategyDescriptor.SKIP)), "p = 0.5 skips layers");
        assertEquals(List.of("S", "S", "S", "S", "S"), r.named().get("S").units(), "named strategies keep every D1 gate");
        boolean sawSources = false;
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.loadRunDir(dir), dir,
                new PrintStream(new ByteArrayOutputStream()))) {
            for (StrategyResult s : r.strategies()) {
                StrategyDescriptor d = e.strategies().descriptor(s.id());
                sawSources |= !d.sources().isEmpty();
                Materializer.Materialized m = e.strategies().materialize(d, true, null);
                assertEquals(d, m.descriptor(), s.id());
                assertEquals(s.top1(), m.top1(), 1e-12, s.id() + " scores as in the template");
            }
        }
        assertTrue(sawSources, "p = 0.5 leaves some path with part of its sources");
    }

    /**
     * Results follow the fusion-unit plugins: with {@code fusion.paths: [temporal, long, spatial]}, where
     * {@code long} is a 5x1x1 path plugin defined here, every position reports its drop rates under the units'
     * names in that order, each equal to sigmoid(θ) of that path's gate in the trained checkpoint, and the
     * marginals of all seven unit combinations; the CSV columns follow.
     */
    @Test
    void resultsAreKeyedByFusionUnitInTheConfiguredOrder() throws Exception {
        List<NamedProvider> providers = builtIns();
        providers.add(new FusionUnitProvider() {
            @Override
            public String name() {
                return "long";
            }

            @Override
            public FusionPath create(PluginConfig config) {
                return new FusionPath() {
                    @Override
                    public String unitName() {
                        return "T5";
                    }

                    @Override
                    public Tensor apply(NetworkBuilder b, String scope, Tensor x, int out) {
                        return b.conv3d(scope + ".conv", x, out, Kernel3.of(5, 1, 1), Kernel3.cube(1), Kernel3.of(2, 0, 0));
                    }
                };
            }
        });
        Path dir = tmp.resolve("three-paths");
        RunResults r = run(PluginCatalog.of(providers), config(List.of("fusion.paths=[temporal, long, spatial]",
                "sampling.count=4")), dir, false);
        Map<String, Double> theta = new HashMap<>();
        try (var zip = new java.util.zip.ZipFile(newestCheckpoint(dir).toFile())) {
            for (var entry : java.util.Collections.list(zip.entries())) {
                if (entry.getName().startsWith("trainable/") && entry.getName().endsWith(".theta")) {
                    try (var in = new java.io.DataInputStream(zip.getInputStream(entry))) {
                        theta.put(entry.getName().substring("trainable/".length()), Nd4j.read(in).getDouble(0));
                    }
                }
            }
        }
        for (PositionMarginal m : r.positions()) {
            assertEquals(List.of("ST", "T5", "S"), new ArrayList<>(m.drop().keySet()), m.name());
            for (String unit : List.of("ST", "T5", "S")) {
                double p = 1 / (1 + Math.exp(-theta.get(m.name() + "." + unit + ".theta")));
                assertEquals(p, m.drop().get(unit), 1e-6, m.name() + " " + unit);
                assertEquals(1 - Math.sqrt(p), m.kept().get(unit), 1e-6, m.name() + " " + unit);
            }
            assertEquals(List.of("ST", "T5", "S", "ST+T5", "ST+S", "T5+S", "ST+T5+S"),
                    new ArrayList<>(m.unitMarginals().keySet()), m.name());
        }
        assertEquals("position,p_st,p_t5,p_s,kept_st,kept_t5,kept_s,unit_st,unit_t5,unit_s,unit_st_t5,unit_st_s,"
                + "unit_t5_s,unit_st_t5_s", Files.readAllLines(dir.resolve("marginals.csv")).get(0));
        assertEquals(Set.of("ST", "T5", "S", "ST+T5", "ST+S", "T5+S", "ST+T5+S"), r.named().keySet());
    }

    private static List<NamedProvider> builtIns() {
        List<NamedProvider> providers = new ArrayList<>();
        for (Class<? extends NamedProvider> spi : List.of(BackboneProvider.class, FusionUnitProvider.class,
                DatasetProvider.class, ReporterProvider.class)) {
            ServiceLoader.load(spi).forEach(providers::add);
        }
        return providers;
    }

    /** The synthetic dataset, with every {@code badEvery}-th item of both splits unreadable. */
    private static PluginCatalog catalogWithFlakyData() {
        List<NamedProvider> providers = builtIns();
        DatasetProvider synthetic = (DatasetProvider) providers.stream().filter(p -> p.name().equals("synthetic"))
                .findFirst().orElseThrow();
        providers.add(new DatasetProvider() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public Dataset open(PluginConfig config) {
                int badEvery = config.getInt("badEvery", 10, 2, 1000);
                config.accept("badEvery");
                Dataset inner = synthetic.open(config);
                return new ForwardingDataset(inner) {
                    @Override
                    public Clip clip(Split split, int index, long seed) {
                        failIfBad(split, index);
                        return inner.clip(split, index, seed);
                    }

                    @Override
                    public Clip view(Split split, int index, int view) {
                        failIfBad(split, index);
                        return inner.view(split, index, view);
                    }

                    private void failIfBad(Split split, int index) {
                        if (index % badEvery == badEvery - 1) {
                            throw new BadItemException(new BadItem(split.label() + "-" + index + ".avi", "truncated"));
                        }
                    }
                };
            }
        });
        return PluginCatalog.of(providers);
    }

    @Test
    void badItemsAreSkippedAndListedAndTooManyStopTheRun() throws Exception {
        List<String> flaky = List.of("dataset.name=flaky", "dataset.badEvery=10", "sampling.count=2",
                "training.vdpEpochs=1", "training.warmupEpochs=0");
        List<String> tolerant = new ArrayList<>(flaky);
        tolerant.add("data.maxBadFraction=0.2");
        Path dir = tmp.resolve("flaky");
        RunResults r = run(catalogWithFlakyData(), config(tolerant), dir, false);
        assertEquals(9, r.dataset().badItems().get("train").size()); // items 9, 19, ..., 89 of 96
        assertEquals(4, r.dataset().badItems().get("val").size()); // 9, 19, 29, 39 of 40
        assertTrue(r.dataset().badItems().get("train").contains(new BadItem("train-9.avi", "truncated")));
        assertTrue(Files.readString(dir.resolve(BadItemLedger.FILE_NAME)).contains("train-89.avi"));
        assertEquals(4, new ObjectMapper().readTree(dir.resolve("results.json").toFile()).at("/dataset/badItems/val").size());

        Path strict = tmp.resolve("strict");
        List<String> limited = new ArrayList<>(flaky);
        limited.add("data.maxBadFraction=0.04");
        UserException e = assertThrows(UserException.class, () -> run(catalogWithFlakyData(), config(limited), strict, false));
        // Past 3.84 bad items the run stops; items other workers were decoding meanwhile may be counted too.
        assertTrue(e.getMessage().matches("train split: [4-9] of 96 entries are bad .*data\\.maxBadFraction 0\\.04.*"),
                e.getMessage());
        assertTrue(Files.isRegularFile(strict.resolve(BadItemLedger.FILE_NAME)), "the bad items found so far are kept");
    }

    @Test
    void divergingTrainingStopsWithAUserErrorAndKeepsTheLastCheckpoint() throws Exception {
        Path dir = tmp.resolve("diverge");
        run(catalog(), config(List.of("sampling.count=0", "training.vdpEpochs=1")), dir, false);
        Path last = newestCheckpoint(dir);
        byte[] before = Files.readAllBytes(last);
        // A second warm-up epoch at the highest learning rate the config allows blows the unnormalised classifier up.
        UserException e = assertThrows(UserException.class, () -> run(catalog(), config(List.of("sampling.count=0",
                "training.vdpEpochs=1", "training.warmupEpochs=2", "training.warmupLr=100")), dir, true));
        assertTrue(e.getMessage().contains("lower training.warmupLr"), e.getMessage());
        assertEquals(last, newestCheckpoint(dir), "no checkpoint after the fault");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(last)), "the last good checkpoint is untouched");
        assertTrue(e.getMessage().contains("the last good checkpoint is " + last), e.getMessage());
    }

    @Test
    void aNumericFaultRetriesFromTheLastGoodCheckpointWithLowerLearningRates() throws Exception {
        Path dir = tmp.resolve("retry");
        run(catalog(), config(List.of("sampling.count=0", "training.vdpEpochs=1")), dir, false);
        Path good = newestCheckpoint(dir);
        // As above, the second warm-up epoch at lr 100 blows up; the retry reloads the last good checkpoint at lr 0.05.
        RunResults r = run(catalog(), config(List.of("sampling.count=0", "training.vdpEpochs=1", "training.warmupEpochs=2",
                "training.warmupLr=100", "training.onNumericFault=retry", "training.faultLrFactor=0.0005")), dir, true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) r.training().get("history");
        Map<String, Object> last = history.get(history.size() - 1);
        assertEquals("warmup", last.get("stage"));
        assertEquals(2, ((Number) last.get("epoch")).intValue());
        assertEquals(0.05, ((Number) last.get("learningRate")).doubleValue(), 1e-12);
        assertTrue(Double.isFinite(((Number) last.get("trainLoss")).doubleValue()), last.toString());
        JsonNode manifest;
        try (var zip = new java.util.zip.ZipFile(newestCheckpoint(dir).toFile())) {
            manifest = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("manifest.json")));
        }
        assertEquals(0.0005, manifest.get("lrScale").asDouble(), 1e-15, "a resumed run keeps the lowered rates");
        assertEquals(1, manifest.get("faultRetries").asInt());
        assertTrue(newestCheckpoint(dir).compareTo(good) > 0);
    }

    /**
     * With items held out, every strategy is scored on both parts, and the parts add up to the whole set: the same
     * clips, the same weights, only counted apart.
     */
    @Test
    void holdoutScoresEveryStrategyOnBothPartsAndThePartsAddUpToTheWholeSet() throws Exception {
        Path dir = tmp.resolve("holdout");
        RunResults held = run(catalog(), config(List.of("sampling.holdout=0.3", "sampling.count=6")), dir, false);
        assertEquals(0.3, ((Number) held.training().get("holdout")).doubleValue());
        var heldOut = new org.stfusion.core.eval.HeldOut(0.3);
        int heldItems = 0;
        int total;
        Dataset data = catalog().datasets().get("dataset.name", "synthetic").open(config(List.of()).dataset());
        try {
            total = data.size(Split.VALIDATION);
            for (int i = 0; i < total; i++) {
                heldItems += heldOut.contains(data.view(Split.VALIDATION, i, 0).id()) ? 1 : 0;
            }
        } finally {
            data.close();
        }
        assertTrue(heldItems > 0 && heldItems < total, heldItems + " of " + total + " held out");

        RunResults whole;
        try (Experiment e = Experiment.open(catalog(), config(List.of("sampling.count=6")), dir,
                new PrintStream(new ByteArrayOutputStream()))) {
            whole = e.sample();
        }
        List<StrategyResult> pairs = new ArrayList<>(held.strategies());
        pairs.addAll(held.named().values());
        for (StrategyResult h : pairs) {
            StrategyResult w = h.seed() == null ? whole.named().get(h.id())
                    : whole.strategies().stream().filter(s -> s.id().equals(h.id())).findFirst().orElseThrow();
            assertTrue(h.heldOutTop1() != null && w.heldOutTop1() == null, h.id());
            double added = (h.top1() * (total - heldItems) + h.heldOutTop1() * heldItems) / total;
            assertEquals(w.top1(), added, 1e-9, h.id() + ": " + h + " vs " + w);
        }
    }

    @Test
    void studyTrainsTheNamedNetworksAndOptFromScratchAndMeasuresRankAgreement() {
        Path dir = tmp.resolve("study");
        var config = config(List.of("sampling.count=6", "study.epochs=2", "study.rankCheck=3"));
        StudyResults study;
        try (Experiment e = Experiment.open(catalog(), config, dir, new PrintStream(new ByteArrayOutputStream()))) {
            study = e.study().run(e.run(false), false);
        }
        assertEquals(List.of("S", "ST", "S+ST", "Opt"), study.rows().stream().map(StudyResults.Row::name).toList());
        var byName = new java.util.HashMap<String, StudyResults.Row>();
        study.rows().forEach(r -> byName.put(r.name(), r));
        assertTrue(byName.get("S").parameters() < byName.get("ST").parameters(), "a 3x1x1 path has more weights");
        assertTrue(byName.get("ST").parameters() < byName.get("S+ST").parameters());
        assertTrue(byName.get("S").macsPerClip() < byName.get("S+ST").macsPerClip());
        for (StudyResults.Row r : study.rows()) {
            assertTrue(r.top1() >= 0 && r.top1() <= 1);
            assertNotNull(r.templateTop1());
        }
        assertEquals(3, study.rankCheck().size());
        boolean tied = study.rankCheck().stream().map(StudyResults.RankPoint::templateTop1).distinct().count() == 1
                || study.rankCheck().stream().map(StudyResults.RankPoint::standaloneTop1).distinct().count() == 1;
        if (tied) {
            assertNull(study.kendallTau(), "undefined when a ranking is all ties");
        } else {
            assertTrue(study.kendallTau() >= -1 && study.kendallTau() <= 1, "tau " + study.kendallTau());
        }
        assertTrue(Files.isRegularFile(dir.resolve(RunDirectory.STUDY)));
        RunResults results;
        try (Experiment e = Experiment.open(catalog(), config, dir, new PrintStream(new ByteArrayOutputStream()))) {
            results = e.analyze();
        }
        // Picks spread over the template's ranking of the distinct sampled strategies: the best and the worst.
        List<StrategyResult> distinct = new ArrayList<>();
        results.strategies().stream().filter(s -> distinct.stream().noneMatch(d -> d.units().equals(s.units())))
                .forEach(distinct::add);
        assertEquals(distinct.get(0).id(), study.rankCheck().get(0).id());
        assertEquals(1, study.rankCheck().get(0).templateRank());
        assertEquals(distinct.get(distinct.size() - 1).id(), study.rankCheck().get(2).id());
        assertEquals(distinct.size(), study.rankCheck().get(2).templateRank());
        for (StudyResults.RankPoint p : study.rankCheck()) {
            StrategyResult sampled = results.strategies().stream().filter(s -> s.id().equals(p.id())).findFirst().orElseThrow();
            assertEquals(List.of(ScoringProtocol.RECALIBRATED, ScoringProtocol.TEMPLATE),
                    List.copyOf(p.templateTop1ByProtocol().keySet()), "the run's protocol first, then the other");
            assertEquals(sampled.top1(), p.templateTop1(), 1e-12, p.id() + ": rescored as the sampling scored it");
            assertEquals(p.templateTop1(), p.templateTop1ByProtocol().get(ScoringProtocol.RECALIBRATED), 1e-12);
        }
        if (study.rankCorrelation() != null) {
            assertEquals(study.kendallTau(), study.rankCorrelation().values().iterator().next().tau());
        }
        // Resuming a finished study retrains nothing and gives the same table.
        try (Experiment e = Experiment.open(catalog(), config, dir, new PrintStream(new ByteArrayOutputStream()))) {
            assertEquals(study, e.study().run(e.run(true), true));
        }
    }

    /** The checkpoint a resumed run would start from: the highest-numbered epoch-NNNN.zip. */
    static Path newestCheckpoint(Path runDir) throws java.io.IOException {
        try (var files = Files.list(runDir.resolve("checkpoints"))) {
            return files.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.zip")).max(java.util.Comparator.naturalOrder())
                    .orElseThrow(() -> new AssertionError("no epoch checkpoint in " + runDir));
        }
    }
}
