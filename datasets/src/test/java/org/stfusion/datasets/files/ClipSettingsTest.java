package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.PluginConfig;

class ClipSettingsTest {
    @Test
    void defaultsAreSixteenVideoFramesCroppedTo112FromShortSide128WithoutFlip() {
        ClipSettings s = ClipSettings.read(new PluginConfig("dataset", Map.of()));
        assertEquals(MediaFormat.VIDEO, s.format());
        assertEquals(16, s.frames());
        assertEquals(1, s.stride());
        assertEquals(112, s.size());
        assertEquals(128, s.shortSide());
        assertEquals(128, s.trainShortSideMin());
        assertEquals(128, s.trainShortSideMax());
        assertFalse(s.flip(), "flip is off unless asked for");
        assertEquals("img_00001.jpg", s.framePattern().fileName(s.firstFrame()));
    }

    @Test
    void shortSideFollowsTheCropSize() {
        assertEquals(256, ClipSettings.read(new PluginConfig("dataset", Map.of("size", 224))).shortSide());
    }
}
