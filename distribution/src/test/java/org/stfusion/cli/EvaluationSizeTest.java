package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.predict.NumpyFile;

/**
 * Evaluation at another size than training ({@code dataset.testSize}) end to end on the synthetic appearance task
 * (which a micro network learns in three epochs): trained on 16 px clips, it scores 24 px validation clips, with batch
 * norm recalibrated on the 16 px training clips, well above chance and close to how it scores 16 px ones; predict takes clips of either size; sizes the backbone cannot
 * reduce are one line naming the key before anything is trained.
 */
class EvaluationSizeTest {
    private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/synthetic-motion.yaml");
    private static final List<String> MICRO = List.of("backbone.preset=tiny", "backbone.initFeatures=8",
            "backbone.growth=8", "backbone.bnSize=2", "backbone.blocks=[2,2]", "dataset.classes=2", "dataset.size=16",
            "dataset.task=appearance", "dataset.trainSize=96", "dataset.valSize=40", "training.warmupEpochs=2", "training.vdpEpochs=1",
            "training.lrSteps=[]", "training.batchSize=16", "sampling.count=2", "sampling.bnRecalibration=2",
            "sampling.evalBatchSize=16");

    @TempDir
    static Path shared;
    static Path run;
    static RunResults at24;

    @TempDir
    Path tmp;

    private static ExperimentConfig config(String... extra) {
        List<String> all = new ArrayList<>(MICRO);
        all.addAll(List.of(extra));
        return ExperimentConfig.load(EXAMPLE, all);
    }

    private static PluginCatalog catalog() {
        return PluginCatalog.discover(EvaluationSizeTest.class.getClassLoader(), null);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    @BeforeAll
    static void trainAt16AndScoreAt24() {
        run = shared.resolve("run");
        try (Experiment e = Experiment.open(catalog(), config("dataset.testSize=24"), run, quiet())) {
            at24 = e.run(false);
        }
    }

    @Test
    void aNetworkTrainedAt16PxScores24PxClipsAboutAsWellAs16PxOnes() {
        RunResults at16;
        // the same trained template, its strategies scored again on 16 px validation clips
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.load(run.resolve("config.yaml"),
                List.of("dataset.testSize=16")), run, quiet())) {
            at16 = e.sample();
        }
        for (StrategyResult s : at24.strategies()) {
            assertTrue(s.top1() >= 0 && s.top1() <= 1 && s.nonFiniteItems() == null, s.toString());
        }
        double allPaths24 = at24.named().get("S+ST").top1();
        double allPaths16 = at16.named().get("S+ST").top1();
        // measured: 0.9 at 24 px, 0.875 at 16 px (chance 0.5)
        assertTrue(allPaths24 >= 0.7 && Math.abs(allPaths24 - allPaths16) <= 0.2,
                allPaths24 + " at 24 px, " + allPaths16 + " at 16 px");
        // the best strategy's standalone network, recalibrated on 16 px training clips, scores 24 px clips as the template did
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.loadRunDir(run), run, quiet())) {
            assertEquals(at24.best().top1(), e.strategies().materialize(e.strategies().descriptor("best"), true, null).top1(), 1e-12);
        }
    }

    @Test
    void predictTakesClipsOfTheTestSizeAndRefusesSizesTheNetworkCannotReduce() throws Exception {
        Path clips24 = tmp.resolve("clips24.npy");
        NumpyFile.writeFloat32(clips24, Nd4j.rand(DataType.FLOAT, 3, 3, 8, 24, 24).subi(0.5));
        Path logits = tmp.resolve("logits.npy");
        StfusionCliTest.Result r = StfusionCliTest.run("-q", "predict", run.toString(), "--input", clips24.toString(),
                "--out", logits.toString());
        assertEquals(0, r.code(), r.toString());
        INDArray x = NumpyFile.read(clips24);
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.loadRunDir(run), run, quiet())) {
            INDArray scorer = e.exports().scoredLogits(e.strategies().descriptor("best"), x);
            double difference = scorer.castTo(DataType.DOUBLE).sub(NumpyFile.read(logits).castTo(DataType.DOUBLE))
                    .amaxNumber().doubleValue();
            assertTrue(difference < 1e-5, "predict vs the scorer at 24 px: " + difference);
        }
        Path tiny = tmp.resolve("tiny.npy");
        NumpyFile.writeFloat32(tiny, Nd4j.rand(DataType.FLOAT, 1, 3, 8, 3, 3));
        String msg = StfusionCliTest.userError(StfusionCliTest.run("predict", run.toString(), "--input", tiny.toString()));
        assertTrue(msg.startsWith("stfusion: " + tiny + ": the network cannot take clips of 3x3 px: "), msg);
        Path frames = tmp.resolve("frames.npy");
        NumpyFile.writeFloat32(frames, Nd4j.rand(DataType.FLOAT, 1, 3, 4, 16, 16));
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", run.toString(), "--input", frames.toString()));
        assertEquals("stfusion: " + frames + ": expected clips [N, 3, 8, H, W] (N, C, T, H, W; the network was trained on "
                + "16x16 px and takes any size its layers can reduce), got [1, 3, 4, 16, 16]", msg);
    }

    @Test
    void aTestSizeTheBackboneCannotReduceIsOneLineNamingTheKeyBeforeTraining() {
        Path out = tmp.resolve("never");
        String msg = StfusionCliTest.userError(StfusionCliTest.run("run", EXAMPLE.toString(), "--out", out.toString(),
                "--set", "dataset.size=16", "--set", "dataset.testSize=8", "--set", "backbone.blocks=[2,2,2]"));
        assertTrue(msg.startsWith("stfusion: dataset.testSize: validation clips of 8x8 px are too small for the backbone: "
                + "average pool "), msg);
        assertTrue(msg.endsWith("would have no output pixel; it takes clips of at least 13x13 px"), msg);
        assertTrue(!java.nio.file.Files.exists(out.resolve("checkpoints")), "nothing trained");
    }

    @Test
    void aSyntheticRunDecodesNoVideos() throws Exception {
        Path video = java.nio.file.Files.writeString(tmp.resolve("clip.mp4"), "whatever");
        String msg = StfusionCliTest.userError(StfusionCliTest.run("predict", run.toString(), "--input", video.toString()));
        assertEquals("stfusion: --input " + video + ": the run's dataset plugin 'synthetic' decodes no videos or frame "
                + "folders (it generates its clips); give clips as a NumPy .npy array [N, C, T, H, W]", msg);
    }
}
