package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/** The caps on what one item may cost, their config keys, and arithmetic that no header can overflow. */
class MediaLimitsTest {

    private static MediaLimits read(Object... pairs) {
        return ClipSettings.read(new PluginConfig("dataset", Configs.map(pairs))).limits();
    }

    @Test
    void defaultsAreAHundredThousandFramesOf8192x8192AGibibytePerClipAndTwoMinutes() {
        MediaLimits limits = read();
        assertEquals(new MediaLimits(100_000, 67_108_864, 1L << 30, 120, "dataset"), limits);
        assertEquals(MediaLimits.DEFAULTS, limits);
    }

    @Test
    void theKeysSetEachLimit() {
        MediaLimits limits = read("maxItemFrames", 500, "maxFramePixels", 1920 * 1080, "maxClipMiB", 64,
                "decodeTimeoutSeconds", 5);
        assertEquals(new MediaLimits(500, 1920 * 1080, 64L << 20, 5, "dataset"), limits);
    }

    @Test
    void aBadValueIsAConfigErrorNamingTheKey() {
        for (Object[] bad : new Object[][] {{"maxItemFrames", 0}, {"maxFramePixels", 0},
                {"maxFramePixels", 715_827_883}, {"maxClipMiB", "lots"}, {"maxClipMiB", 0},
                {"decodeTimeoutSeconds", 0}, {"decodeTimeoutSeconds", 86_401}, {"maxItemFrames", 1e12}}) {
            ConfigException e = assertThrows(ConfigException.class, () -> read(bad));
            assertEquals("dataset." + bad[0], e.key(), e.getMessage());
        }
    }

    @Test
    void frameSizesAreCheckedWithoutOverflow() throws IOException {
        MediaLimits limits = MediaLimits.DEFAULTS;
        assertEquals(8192 * 8192 * 3, limits.frameBytes(8192, 8192, "frame"));
        IOException e = assertThrows(IOException.class, () -> limits.frameBytes(30_000, 30_000, "x.png"));
        assertEquals("x.png is 30000x30000 = 900000000 pixels, more than dataset.maxFramePixels 67108864",
                e.getMessage());
        // int arithmetic would wrap around to a small or negative product here
        e = assertThrows(IOException.class, () -> limits.frameBytes(Integer.MAX_VALUE, Integer.MAX_VALUE, "f"));
        assertTrue(e.getMessage().contains("= 4611686014132420609 pixels"), e.getMessage());
        e = assertThrows(IOException.class, () -> limits.frameBytes(65_536, 65_536, "f"));
        assertTrue(e.getMessage().contains("= 4294967296 pixels"), e.getMessage());
        e = assertThrows(IOException.class, () -> limits.frameBytes(0, 480, "frame 3"));
        assertEquals("frame 3 is 0x480 pixels, expected at least 1x1", e.getMessage());
        assertEquals(3 * (MediaLimits.MAX_FRAME_PIXELS_LIMIT), new MediaLimits(1, MediaLimits.MAX_FRAME_PIXELS_LIMIT,
                1, 1, "dataset").frameBytes(1, MediaLimits.MAX_FRAME_PIXELS_LIMIT, "the largest frame an array holds"));
    }

    @Test
    void aClipsFramesShareOneBudget() throws IOException {
        MediaLimits limits = new MediaLimits(100, 10_000, 20_000, 1, "dataset");
        MediaLimits.Budget budget = limits.budget();
        assertEquals(9216, budget.take(64, 48, "frame 0"));
        assertEquals(9216, budget.take(64, 48, "frame 1"));
        IOException e = assertThrows(IOException.class, () -> budget.take(64, 48, "frame 2"));
        assertEquals("frame 2 brings the clip's decoded frames to 27648 bytes, more than dataset.maxClipMiB "
                + "(20000 bytes)", e.getMessage());
        assertEquals(18_432, budget.used(), "a refused frame takes nothing");
        assertEquals(9216, limits.budget().take(64, 48, "frame 0"), "each clip has a budget of its own");
    }

    @Test
    void aClipThatCanNeverFitIsRefusedBeforeDecoding() throws IOException {
        MediaLimits.Budget budget = MediaLimits.DEFAULTS.budget();
        budget.checkClip(16, 3840, 2160); // 16 frames of 4K: 380 MiB
        IOException e = assertThrows(IOException.class, () -> budget.checkClip(16, 7680, 4320));
        assertEquals("a clip of 16 frames of 7680x4320 needs 1518.8 MiB of RGB, more than dataset.maxClipMiB "
                + "(1024.0 MiB)", e.getMessage());
        budget.checkClip(16, 0, 0); // size not known yet: each frame is checked as it comes
        assertEquals(0, budget.used());
    }

    @Test
    void itemFrameCountsOverTheCapAreRefused() throws IOException {
        MediaLimits limits = new MediaLimits(10, 100, 100, 1, "dataset");
        limits.checkItemFrames(10, "the list states");
        IOException e = assertThrows(IOException.class, () -> limits.checkItemFrames(11, "the list states"));
        assertEquals("the list states 11 frames, more than dataset.maxItemFrames 10", e.getMessage());
    }
}
