package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipFramesDecoderTest {
    private static final ZipFramesDecoder DECODER = new ZipFramesDecoder(FramePattern.parse("img_{:05d}.jpg"), 1);

    @TempDir
    Path dir;

    @Test
    void decodesThePickedFramesFromTheTopOfTheArchiveOrFromAFolderInIt() throws IOException {
        for (String folder : List.of("", "clip")) {
            Path zip = MiniMedia.writeFrameZip(dir.resolve("clip" + folder.length() + ".zip"), 10, "img_%05d.jpg",
                    folder, Color.RED);
            List<RgbFrame> frames = DECODER.decode(zip, 0, count -> {
                assertEquals(10, count, "frames counted in the archive");
                return new int[] {0, 9, 4, 9};
            });
            assertEquals(4, frames.size());
            assertEquals(DecoderTest.squareLeft(0), DecoderTest.leftEdgeOfSquare(frames.get(0)), 1);
            assertEquals(DecoderTest.squareLeft(9), DecoderTest.leftEdgeOfSquare(frames.get(1)), 1);
            assertEquals(DecoderTest.squareLeft(4), DecoderTest.leftEdgeOfSquare(frames.get(2)), 1);
            assertTrue(frames.get(1) == frames.get(3), "a repeated index is decoded once");
        }
    }

    @Test
    void entriesLeavingTheirFolderRefuseTheWholeArchive() throws IOException {
        for (String evil : List.of("../img_00002.jpg", "clip/../../img_00002.jpg", "/tmp/img_00002.jpg",
                "C:/img_00002.jpg", "..\\img_00002.jpg", "notes/../../../etc/passwd")) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("img_00001.jpg", Files.readAllBytes(
                    MiniMedia.writeFrames(dir.resolve("one"), 1, "img_%05d.jpg", Color.RED).resolve("img_00001.jpg")));
            entries.put(evil, new byte[] {1, 2, 3});
            Path zip = MiniMedia.writeZip(dir.resolve("evil.zip"), entries);
            IOException e = assertThrows(IOException.class, () -> DECODER.decode(zip, 0, n -> new int[] {0}));
            assertTrue(e.getMessage().contains("entry '" + evil + "'") && e.getMessage().contains("leaves"),
                    e.getMessage());
        }
    }

    @Test
    void namesThatStayInsideAreAccepted() {
        for (String name : List.of("img_00001.jpg", "clip/img_00001.jpg", "a..b/img.jpg", "..hidden.jpg", "x/")) {
            assertFalse(ZipFramesDecoder.leavesItsFolder(name), name);
        }
        for (String name : List.of("..", "../x", "a/../../x", "/x", "\\x", "c:\\x", "a\\..\\..\\x")) {
            assertTrue(ZipFramesDecoder.leavesItsFolder(name), name);
        }
    }

    @Test
    void missingCorruptAndAmbiguousArchivesAreIoErrorsNamingTheArchive() throws IOException {
        Path missing = dir.resolve("missing.zip");
        Path notZip = Files.write(dir.resolve("not.zip"), "PK but not really".getBytes());
        Path empty = MiniMedia.writeZip(dir.resolve("empty.zip"), Map.of("readme.txt", new byte[] {1}));
        for (Path zip : List.of(missing, notZip, empty)) {
            IOException e = assertThrows(IOException.class, () -> DECODER.decode(zip, 0, n -> new int[] {0}));
            assertTrue(e.getMessage().contains(zip.getFileName().toString()), e.getMessage());
        }
        Path shortZip = MiniMedia.writeFrameZip(dir.resolve("short.zip"), 3, "img_%05d.jpg", "", Color.RED);
        IOException e = assertThrows(IOException.class, () -> DECODER.decode(shortZip, 5, n -> new int[] {4}));
        assertTrue(e.getMessage().contains("img_00005.jpg") && e.getMessage().contains("not in the archive"),
                e.getMessage());
        Map<String, byte[]> twice = new LinkedHashMap<>();
        twice.put("a/img_00001.jpg", new byte[] {1});
        twice.put("b/img_00001.jpg", new byte[] {1});
        Path ambiguous = MiniMedia.writeZip(dir.resolve("twice.zip"), twice);
        e = assertThrows(IOException.class, () -> DECODER.decode(ambiguous, 0, n -> new int[] {0}));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        Path badJpeg = MiniMedia.writeZip(dir.resolve("bad.zip"), Map.of("img_00001.jpg",
                new byte[] {(byte) 0xff, (byte) 0xd8, 0}));
        e = assertThrows(IOException.class, () -> DECODER.decode(badJpeg, 0, n -> new int[] {0}));
        assertTrue(e.getMessage().contains("bad.zip!/img_00001.jpg"), e.getMessage());
    }
}
