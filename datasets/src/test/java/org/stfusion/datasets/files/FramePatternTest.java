package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FramePatternTest {
    @Test
    void formatsThePythonStylePlaceholders() {
        assertEquals("img_00007.jpg", FramePattern.parse("img_{:05d}.jpg").fileName(7));
        assertEquals("000012.jpg", FramePattern.parse("{:06d}.jpg").fileName(12));
        assertEquals("frame3.png", FramePattern.parse("frame{}.png").fileName(3));
        assertEquals("frame3.png", FramePattern.parse("frame{:d}.png").fileName(3));
    }

    @Test
    void matchesOnlyFilesOfThePattern() {
        FramePattern pattern = FramePattern.parse("img_{:05d}.jpg");
        assertTrue(pattern.matches("img_00001.jpg"));
        assertFalse(pattern.matches("flow_x_00001.jpg"));
        assertFalse(pattern.matches("img_00001.png"));
    }

    @Test
    void rejectsPatternsWithoutOrWithTwoPlaceholders() {
        assertThrows(IllegalArgumentException.class, () -> FramePattern.parse("img.jpg"));
        assertThrows(IllegalArgumentException.class, () -> FramePattern.parse("{}_{}.jpg"));
        assertThrows(IllegalArgumentException.class, () -> FramePattern.parse("sub/{:05d}.jpg"));
    }
}
