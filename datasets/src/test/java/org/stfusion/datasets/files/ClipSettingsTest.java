package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.PluginConfig;

class ClipSettingsTest {
    @Test
    void defaultsAreSixteenDenseVideoFramesCroppedTo112FromShortSide128WithoutFlipAndOneView() {
        ClipSettings s = ClipSettings.read(new PluginConfig("dataset", Map.of()));
        assertEquals(MediaFormat.VIDEO, s.format());
        assertEquals(new DenseSampler(16, 1), s.sampler());
        assertEquals(16, s.frames());
        assertEquals(112, s.size());
        assertEquals(128, s.shortSide());
        assertEquals(128, s.trainShortSideMin());
        assertEquals(128, s.trainShortSideMax());
        assertFalse(s.flip(), "flip is off unless asked for");
        assertEquals("img_00001.jpg", s.framePattern().fileName(s.firstFrame()));
        assertEquals(1, s.testClips());
        assertEquals(1, s.testCrops());
        assertNull(s.zipName());
    }

    @Test
    void shortSideFollowsTheCropSize() {
        assertEquals(256, ClipSettings.read(new PluginConfig("dataset", Map.of("size", 224))).shortSide());
    }

    @Test
    void segmentSamplingTakesOneFramePerSegment() {
        ClipSettings s = ClipSettings.read(new PluginConfig("dataset", Map.of("sampling", "segments", "segments", 4)));
        assertEquals(new SegmentSampler(4), s.sampler());
        assertEquals(4, s.frames());
        assertEquals(new SegmentSampler(8),
                ClipSettings.read(new PluginConfig("dataset", Map.of("sampling", "segments"))).sampler());
    }

    @Test
    void datasetsChooseTheirOwnFormatAndFrameNames() {
        ClipSettings s = ClipSettings.read(new PluginConfig("dataset", Map.of()), MediaFormat.FRAMES, "{:05d}.jpg");
        assertEquals(MediaFormat.FRAMES, s.format());
        assertEquals("00001.jpg", s.framePattern().fileName(1));
        s = ClipSettings.read(new PluginConfig("dataset", Map.of("format", "zip", "zipName", "RGB_frames.zip",
                "testClips", 10, "testCrops", 3)), MediaFormat.FRAMES, "{:05d}.jpg");
        assertEquals(MediaFormat.ZIP, s.format());
        assertEquals("RGB_frames.zip", s.zipName());
        assertEquals(10, s.testClips());
        assertEquals(3, s.testCrops());
    }
}
