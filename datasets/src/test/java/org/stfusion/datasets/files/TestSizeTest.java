package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.stfusion.datasets.files.Configs.assertKeyError;
import static org.stfusion.datasets.files.Configs.map;
import static org.stfusion.datasets.files.Configs.open;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;
import org.stfusion.testkit.DatasetConformance;

/**
 * {@code testSize}: validation clips and test crops are cut at their own size from the frames resized as before,
 * while training clips keep {@code size}. Checked pixel by pixel on lossless frames whose red channel is 3x and
 * green channel 2y, at a short side equal to the frame height (no resize).
 */
class TestSizeTest {
    private static final float[] MEAN = {123.675f, 116.28f, 103.53f};
    private static final float[] STD = {58.395f, 57.12f, 57.375f};
    private static final int WIDTH = 64;
    private static final int HEIGHT = 48;
    private static final ListDatasetProvider PROVIDER = new ListDatasetProvider();

    @TempDir
    Path root;

    @BeforeEach
    void writeFrames() throws IOException {
        for (String item : new String[] {"a", "b"}) {
            Path folder = Files.createDirectories(root.resolve(item));
            for (int t = 1; t <= 6; t++) {
                BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
                for (int y = 0; y < HEIGHT; y++) {
                    for (int x = 0; x < WIDTH; x++) {
                        image.setRGB(x, y, (3 * x) << 16 | (2 * y) << 8 | 10 * t);
                    }
                }
                ImageIO.write(image, "png", folder.resolve(String.format(Locale.ROOT, "img_%05d.png", t)).toFile());
            }
        }
        MiniMedia.write(root.resolve("list.txt"), "a 6 0\nb 6 1\n");
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> values = map("root", root.toString(), "train", "list.txt", "val", "list.txt", "classes", 2,
                "format", "frames", "framePattern", "img_{:05d}.png", "frames", 2, "size", 16, "testSize", 32,
                "shortSide", 48);
        values.putAll(map(extra));
        return values;
    }

    @Test
    void validationClipsAreCentreCropsOfTestSizeAndTrainingClipsKeepTheirSize() {
        Dataset dataset = open(PROVIDER, config());
        assertEquals(new InputSpec(3, 2, 16, 16, 2), dataset.inputSpec());
        assertEquals(new InputSpec(3, 2, 16, 16, 2), dataset.inputSpec(Split.TRAIN));
        assertEquals(new InputSpec(3, 2, 32, 32, 2), dataset.inputSpec(Split.VALIDATION));
        assertEquals(3 * 2 * 16 * 16, dataset.clip(Split.TRAIN, 0, 5).data().length);

        // 64x48 frames at short side 48 are not resized: the 32 px centre crop starts at x = 16, y = 8
        Clip clip = dataset.view(Split.VALIDATION, 1, 0);
        assertEquals(3 * 2 * 32 * 32, clip.data().length);
        assertCrop(clip.data(), 32, 16, 8);
        assertEquals(clip.data().length, dataset.clip(Split.VALIDATION, 1, 0).data().length);
    }

    @Test
    void threeTestCropsOfTestSizeAlongTheLongSide() {
        Dataset dataset = open(PROVIDER, config("testCrops", 3));
        // 32 px crops of a 64 px wide frame: left edges 0, 16, 32; centred vertically at y = 8
        int[] left = {0, 16, 32};
        for (int v = 0; v < 3; v++) {
            assertCrop(dataset.view(Split.VALIDATION, 0, v).data(), 32, left[v], 8);
        }
    }

    @Test
    void aTestSizeSmallerThanTheTrainingSizeWorksToo() {
        Dataset dataset = open(PROVIDER, config("size", 32, "testSize", 24));
        assertEquals(24, dataset.inputSpec(Split.VALIDATION).height());
        assertCrop(dataset.view(Split.VALIDATION, 0, 0).data(), 24, 20, 12);
    }

    @Test
    void theKitChecksEachSplitAgainstItsOwnSpec() throws IOException {
        MiniMedia.write(root.resolve("train.txt"), "a 6 0\n");
        MiniMedia.write(root.resolve("val.txt"), "b 6 1\n");
        DatasetConformance.verify(open(PROVIDER, config("train", "train.txt", "val", "val.txt", "testClips", 2,
                "testCrops", 3)), 10);
    }

    @Test
    void testSizeDefaultsToSizeAndMustFitTheValidationShortSide() {
        ClipSettings s = ClipSettings.read(new PluginConfig("dataset", Map.of("size", 224)));
        assertEquals(224, s.testSize());
        // the authors' protocol: train on 224 px crops, test on 256 px centre crops of frames at short side 256
        assertEquals(256, ClipSettings.read(new PluginConfig("dataset", Map.of("size", 224, "testSize", 256))).testSize());
        ConfigException e = assertKeyError("dataset.testSize", PROVIDER, config("shortSide", null, "testSize", 160));
        assertEquals("dataset.testSize: a validation crop of 160 px does not fit frames resized to a short side of 18 px "
                + "(dataset.shortSide, size x 8/7 unless set): raise dataset.shortSide to at least 160 or lower "
                + "dataset.testSize", e.getMessage());
        e = assertKeyError("dataset.testSize", PROVIDER, config("testSize", 64));
        assertEquals("dataset.testSize: a validation crop of 64 px does not fit frames resized to a short side of 48 px "
                + "(dataset.shortSide): raise dataset.shortSide to at least 64 or lower dataset.testSize", e.getMessage());
        assertKeyError("dataset.testSize", PROVIDER, config("testSize", 4));
        assertKeyError("dataset.testClips", PROVIDER, config("frames", 1000, "size", 8, "testSize", 256, "shortSide", 256,
                "testClips", 100));
    }

    /** The crop at (x0, y0) of the ramp frames: red 3x, green 2y, at every pixel of both frames. */
    private static void assertCrop(float[] data, int side, int x0, int y0) {
        int plane = side * side;
        for (int t = 0; t < 2; t++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    float red = data[(0 * 2 + t) * plane + y * side + x] * STD[0] + MEAN[0];
                    float green = data[(1 * 2 + t) * plane + y * side + x] * STD[1] + MEAN[1];
                    assertEquals(3 * (x0 + x), red, 1e-3, "red at " + x + "," + y);
                    assertEquals(2 * (y0 + y), green, 1e-3, "green at " + x + "," + y);
                }
            }
        }
    }
}
