package org.stfusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.core.data.BadItemLedger;

/**
 * {@code stfusion run} on a list of videos in which most kinds of broken media sit among good ones: the run
 * finishes, every good item trains and is scored, and every bad one is skipped and listed with its reason in
 * {@code bad-items.json} and {@code results.json}.
 */
class BrokenDataRunTest {
    @TempDir
    Path dir;

    /** {@code frames} frames of a bright bar moving right; the container and codec from the file name. */
    private static Path video(Path file, int frames, int width, int height) throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        Files.createDirectories(file.getParent());
        String container = file.getFileName().toString().replaceAll(".*\\.", "");
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0)) {
            recorder.setFormat(container);
            recorder.setVideoCodec(container.equals("h264") ? avcodec.AV_CODEC_ID_H264 : avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.start();
            Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) frame.image[0];
            for (int t = 0; t < frames; t++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        byte v = (byte) (Math.abs(x - 2 * t) < 3 ? 230 : 20);
                        int p = y * frame.imageStride + 3 * x;
                        pixels.put(p, v).put(p + 1, v).put(p + 2, v);
                    }
                }
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
        return file;
    }

    @Test
    @Timeout(300)
    void theRunFinishesWithEveryGoodItemAndListsEveryBadOne() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        for (int i = 0; i < 3; i++) {
            video(root.resolve("videos/good" + i + ".avi"), 12, 32, 24);
        }
        video(root.resolve("videos/raw.h264"), 12, 32, 24); // no container, no frame count: still a good item
        Files.createFile(root.resolve("videos/empty.mp4"));
        byte[] whole = Files.readAllBytes(video(root.resolve("videos/whole.mp4"), 12, 32, 24));
        Files.write(root.resolve("videos/cut.mp4"), Arrays.copyOf(whole, whole.length / 3));
        Files.writeString(root.resolve("videos/notes.mp4"), "meeting notes, not a video\n");
        video(root.resolve("videos/big.avi"), 12, 160, 120); // 19 200 pixels, over maxFramePixels below
        Files.createSymbolicLink(root.resolve("videos/leak.avi"), video(outside.resolve("secret.avi"), 12, 32, 24));
        Files.writeString(root.resolve("train.txt"), """
                videos/good0.avi 0
                videos/empty.mp4 1
                videos/good1.avi 1
                videos/cut.mp4 0
                videos/raw.h264 1
                videos/notes.mp4 0
                videos/big.avi 1
                videos/leak.avi 0
                videos/good2.avi 0
                videos/missing.avi 1
                """);
        Files.writeString(root.resolve("val.txt"), "videos/good0.avi 0\nvideos/raw.h264 1\nvideos/notes.mp4 1\n");
        Path config = Files.writeString(dir.resolve("broken.yaml"), """
                name: broken-data
                seed: 1
                backbone: {name: densenet3d, preset: tiny, initFeatures: 8, growth: 8, bnSize: 2, blocks: [2, 2]}
                fusion: {paths: [spatial, temporal]}
                dataset: {name: list, root: %s, train: train.txt, val: val.txt, classes: 2, format: video,
                          frames: 8, size: 16, maxFramePixels: 10000}
                data: {maxBadFraction: 0.7}
                training: {batchSize: 4, warmupEpochs: 1, vdpEpochs: 1, lrSteps: []}
                sampling: {count: 2}
                reporters: [{name: json}]
                """.formatted(root));
        Path run = dir.resolve("run");

        var result = StfusionCliTest.run("run", config.toString(), "--out", run.toString());

        assertEquals(StfusionCli.EXIT_OK, result.code(), result.toString());
        JsonNode results = new ObjectMapper().readTree(run.resolve("results.json").toFile());
        assertEquals(9, results.at("/dataset/trainItems").asInt(), "the lines that became items; leak.avi did not");
        Map<String, String> train = reasons(results.at("/dataset/badItems/train"));
        assertEquals(6, train.size(), train.toString());
        assertReason(train, "videos/empty.mp4 (" + root.resolve("videos/empty.mp4") + ")",
                "empty file (0 bytes), expected a video");
        assertReason(train, "videos/cut.mp4 (" + root.resolve("videos/cut.mp4") + ")", "not a readable video");
        assertReason(train, "videos/notes.mp4 (" + root.resolve("videos/notes.mp4") + ")", "not a readable video");
        assertReason(train, "videos/big.avi (" + root.resolve("videos/big.avi") + ")",
                "the video's frame is 160x120 = 19200 pixels, more than dataset.maxFramePixels 10000");
        assertReason(train, root.resolve("train.txt") + ":8", "path 'videos/leak.avi' leads out of the dataset root");
        assertReason(train, "videos/missing.avi (" + root.resolve("videos/missing.avi") + ")", "video file not found");
        Map<String, String> val = reasons(results.at("/dataset/badItems/val"));
        assertEquals(1, val.size(), val.toString());
        assertReason(val, "videos/notes.mp4 (" + root.resolve("videos/notes.mp4") + ")", "not a readable video");
        JsonNode ledger = new ObjectMapper().readTree(run.resolve(BadItemLedger.FILE_NAME).toFile());
        assertEquals(train, reasons(ledger.get("train")));
        assertEquals(val, reasons(ledger.get("val")));
        assertEquals(2, results.at("/strategies").size(), "the sampled strategies were scored");
    }

    private static Map<String, String> reasons(JsonNode items) {
        Map<String, String> out = new TreeMap<>();
        items.forEach(item -> out.put(item.get("source").asText(), item.get("reason").asText()));
        return out;
    }

    private static void assertReason(Map<String, String> reasons, String source, String fragment) {
        assertTrue(reasons.containsKey(source), source + " is not listed: " + reasons.keySet());
        assertTrue(reasons.get(source).contains(fragment), source + " should say '" + fragment + "': "
                + reasons.get(source));
    }
}
