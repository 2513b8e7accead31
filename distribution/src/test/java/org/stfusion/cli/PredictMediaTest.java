package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.predict.NumpyFile;

/**
 * {@code stfusion predict} on a video and on a frame folder: decoded, sampled and cropped as the run's validation items
 * ({@code testSize} crops, 2 clips x 3 crops averaged), the logits are those the scorer ranks the same media by as a
 * validation item; from a run directory and from an exported model file alike. Unreadable inputs are one line.
 */
class PredictMediaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FRAMES = 12;

    @TempDir
    static Path shared;
    static Path videoRun;
    static Path frameRun;
    static Path videos;
    static Path frames;

    @TempDir
    Path tmp;

    /** A bright bar moving right (class 0) or left (class 1) over a dark background, 32x24 px. */
    private static BufferedImage frame(int t, int label, int shift) {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_3BYTE_BGR);
        int centre = label == 0 ? shift + 2 * t : 31 - shift - 2 * t;
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                int v = Math.abs(x - centre) < 3 ? 230 : 20 + y;
                image.setRGB(x, y, v << 16 | (v / 2) << 8 | (255 - v));
            }
        }
        return image;
    }

    private static void video(Path file, int label, int shift) throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        Files.createDirectories(file.getParent());
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 32, 24, 0)) {
            recorder.setFormat("avi");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.start();
            Frame frame = new Frame(32, 24, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) frame.image[0];
            for (int t = 0; t < FRAMES; t++) {
                byte[] bgr = ((java.awt.image.DataBufferByte) frame(t, label, shift).getRaster().getDataBuffer()).getData();
                for (int y = 0; y < 24; y++) {
                    pixels.position(y * frame.imageStride);
                    pixels.put(bgr, y * 32 * 3, 32 * 3);
                }
                pixels.position(0);
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
    }

    private static void frameFolder(Path folder, int label, int shift) throws IOException {
        Files.createDirectories(folder);
        for (int t = 0; t < FRAMES; t++) {
            ImageIO.write(frame(t, label, shift), "jpg",
                    folder.resolve(String.format(Locale.ROOT, "img_%05d.jpg", t + 1)).toFile());
        }
    }

    /** A micro run on a list of 4 training and 2 validation items in {@code format}, scored on 20 px test crops. */
    private static Path train(Path root, String format, String item) throws IOException {
        String count = format.equals("video") ? "" : " " + FRAMES;
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            train.append(item.formatted("train" + i)).append(count).append(' ').append(i % 2).append('\n');
        }
        Files.writeString(root.resolve("train.txt"), train);
        Files.writeString(root.resolve("val.txt"), item.formatted("val0") + count + " 0\n" + item.formatted("val1") + count
                + " 1\n");
        Path config = Files.writeString(root.resolve("run.yaml"), """
                name: predict-media
                seed: 1
                backbone: {name: densenet3d, preset: tiny, initFeatures: 8, growth: 8, bnSize: 2, blocks: [2, 2]}
                fusion: {paths: [spatial, temporal]}
                dataset: {name: list, root: %s, train: train.txt, val: val.txt, classes: 2, format: %s,
                          frames: 4, stride: 2, size: 16, testSize: 20, shortSide: 20, testClips: 2, testCrops: 3}
                training: {batchSize: 4, warmupEpochs: 1, vdpEpochs: 1, lrSteps: []}
                sampling: {count: 2, bnRecalibration: 1, evalBatchSize: 6}
                reporters: [{name: json}]
                """.formatted(root, format));
        Path run = root.resolve("run");
        try (Experiment e = Experiment.open(catalog(), ExperimentConfig.load(config, java.util.List.of()), run, quiet())) {
            e.run(false);
        }
        return run;
    }

    @BeforeAll
    static void trainOnVideosAndOnFrameFolders() throws IOException {
        videos = Files.createDirectories(shared.resolve("videos"));
        frames = Files.createDirectories(shared.resolve("frames"));
        for (int i = 0; i < 4; i++) {
            video(videos.resolve("train" + i + ".avi"), i % 2, i);
            frameFolder(frames.resolve("train" + i), i % 2, i);
        }
        for (int i = 0; i < 2; i++) {
            video(videos.resolve("val" + i + ".avi"), i, 5);
            frameFolder(frames.resolve("val" + i), i, 5);
        }
        videoRun = train(videos, "video", "%s.avi");
        frameRun = train(frames, "frames", "%s");
    }

    private static PluginCatalog catalog() {
        return PluginCatalog.discover(PredictMediaTest.class.getClassLoader(), null);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    /** What the scorer ranks validation item {@code index} of {@code run} by: its views' logits, averaged. */
    private static INDArray scored(Path run, int index) {
        ExperimentConfig config = ExperimentConfig.loadRunDir(run);
        try (Dataset data = catalog().datasets().get("dataset.name", "list").open(config.dataset());
             Experiment e = Experiment.open(catalog(), config, run, quiet())) {
            int views = data.views(Split.VALIDATION);
            assertEquals(6, views);
            var in = data.inputSpec(Split.VALIDATION);
            assertEquals(20, in.height());
            float[] all = new float[(int) (views * in.clipValues())];
            for (int v = 0; v < views; v++) {
                System.arraycopy(data.view(Split.VALIDATION, index, v).data(), 0, all, (int) (v * in.clipValues()),
                        (int) in.clipValues());
            }
            INDArray x = Nd4j.create(all, new long[] {views, in.channels(), in.frames(), in.height(), in.width()}, 'c');
            return Scorer.averageOverViews(e.exports().scoredLogits(e.strategies().descriptor("best"), x), 1, views);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.List.of(1L, 2L), java.util.List.of(actual.size(0), actual.size(1)), what);
        double difference = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(difference <= 1e-5, what + ": largest difference " + difference);
    }

    @Test
    void aVideoIsScoredAsTheScorerScoresItAsAValidationItem() throws Exception {
        Path logits = tmp.resolve("video.npy");
        Path video = videos.resolve("val1.avi");
        StfusionCliTest.Result r = StfusionCliTest.run("predict", videoRun.toString(), "--input", video.toString(),
                "--out", logits.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(video + ":  "), r.out());
        assertClose(scored(videoRun, 1), NumpyFile.read(logits), "video");

        Path top = tmp.resolve("video.json");
        assertEquals(0, StfusionCliTest.run("-q", "predict", videoRun.toString(), "--input", video.toString(), "--top", "1",
                "--out", top.toString()).code());
        JsonNode json = JSON.readTree(top.toFile());
        assertEquals(6, json.get("views").asInt());
        assertEquals(java.util.List.of("0", "1"), java.util.List.of(json.get("classes").get(0).asText(),
                json.get("classes").get(1).asText()));
        assertEquals(1, json.get("clips").get(0).get("top").size());

        // an exported model carries the run's dataset section: the same video, the same logits, no run directory
        Path model = tmp.resolve("best.safetensors");
        assertEquals(0, StfusionCliTest.run("-q", "export", videoRun.toString(), "--strategy", "best", "--out",
                model.toString()).code());
        JsonNode input = JSON.readTree(tmp.resolve("best.json").toFile()).get("input");
        assertEquals(16, input.get("height").asInt());
        assertEquals(20, input.get("testHeight").asInt());
        Path fromModel = tmp.resolve("model.npy");
        r = StfusionCliTest.run("-q", "predict", model.toString(), "--input", video.toString(), "--out", fromModel.toString());
        assertEquals(0, r.code(), r.toString());
        assertClose(NumpyFile.read(logits), NumpyFile.read(fromModel), "model file");
    }

    @Test
    void aFrameFolderIsScoredAsTheScorerScoresItAsAValidationItem() throws Exception {
        Path logits = tmp.resolve("folder.npy");
        StfusionCliTest.Result r = StfusionCliTest.run("-q", "predict", frameRun.toString(), "--input",
                frames.resolve("val0").toString(), "--out", logits.toString());
        assertEquals(0, r.code(), r.toString());
        assertClose(scored(frameRun, 0), NumpyFile.read(logits), "frame folder");
    }

    @Test
    void unreadableInputsAreOneLineNamingTheFile() throws Exception {
        Path notes = Files.writeString(tmp.resolve("notes.avi"), "meeting notes, not a video\n");
        String msg = StfusionCliTest.userError(StfusionCliTest.run("predict", videoRun.toString(), "--input",
                notes.toString()));
        assertTrue(msg.startsWith("stfusion: " + notes + ": not a readable video"), msg);

        Path empty = Files.createDirectories(tmp.resolve("no-frames"));
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", frameRun.toString(), "--input", empty.toString()));
        assertEquals("stfusion: " + empty + ": no frames named like img_00001.jpg in " + empty, msg);

        Path missing = tmp.resolve("gone.mp4");
        msg = StfusionCliTest.userError(StfusionCliTest.run("predict", videoRun.toString(), "--input", missing.toString()));
        assertEquals("stfusion: " + missing + " does not exist: expected a video file, a frame folder or clips as a "
                + "NumPy .npy array", msg);
    }
}
