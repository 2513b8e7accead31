package org.stfusion.datasets.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads items stored as one zip archive of JPEG/PNG frames (the paper code's {@code RGB_frames.zip}, frames named by
 * the frame pattern) with {@link java.util.zip.ZipFile}. Frames may sit at the top of the archive or in a folder
 * inside it; they are found by file name, which must then be unique. Nothing is ever extracted to disk, but an
 * archive with an entry whose name leaves its folder ({@code ../}, an absolute path, a drive letter) is refused as
 * a whole: such archives are crafted, not written by frame extraction tools.
 */
final class ZipFramesDecoder implements ClipDecoder {
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private final FramePattern pattern;
    private final int firstNumber;
    private final MediaLimits limits;

    ZipFramesDecoder(FramePattern pattern, int firstNumber) {
        this(pattern, firstNumber, MediaLimits.DEFAULTS);
    }

    ZipFramesDecoder(FramePattern pattern, int firstNumber, MediaLimits limits) {
        this.pattern = pattern;
        this.firstNumber = firstNumber;
        this.limits = limits;
    }

    @Override
    public List<RgbFrame> decode(Path archive, int frameCountHint, IntFunction<int[]> pick) throws IOException {
        if (!Files.isRegularFile(archive)) {
            throw new NoSuchFileException(archive.toString(), null, "frame archive not found");
        }
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Map<String, ZipEntry> frames = frameEntries(zip, archive);
            int frameCount = frameCountHint > 0 ? frameCountHint : frames.size();
            if (frameCount == 0) {
                throw new IOException("no frames named like " + pattern.fileName(firstNumber) + " in " + archive);
            }
            limits.checkItemFrames(frameCount, "the list states");
            MediaLimits.Budget budget = limits.budget();
            Map<Integer, RgbFrame> decoded = new HashMap<>();
            List<RgbFrame> out = new ArrayList<>();
            for (int index : pick.apply(frameCount)) {
                RgbFrame frame = decoded.get(index);
                if (frame == null) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("decoding " + archive + " was interrupted");
                    }
                    frame = read(zip, frames, pattern.fileName(Math.addExact(firstNumber, index)), archive, budget);
                    decoded.put(index, frame);
                }
                out.add(frame);
            }
            return out;
        } catch (ZipException e) {
            throw new IOException("not a readable zip archive: " + archive + " (" + e.getMessage() + ")", e);
        }
    }

    /** File name → entry of every frame, after checking every entry name of the archive. */
    private Map<String, ZipEntry> frameEntries(ZipFile zip, Path archive) throws IOException {
        Map<String, ZipEntry> frames = new HashMap<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            String name = entry.getName();
            if (leavesItsFolder(name)) {
                throw new IOException("entry '" + name + "' of " + archive + " leaves the archive's folder");
            }
            String fileName = name.substring(name.lastIndexOf('/') + 1);
            if (entry.isDirectory() || !pattern.matches(fileName)) {
                continue;
            }
            ZipEntry earlier = frames.put(fileName, entry);
            if (earlier != null) {
                throw new IOException("frame " + fileName + " is in " + archive + " twice: '" + earlier.getName()
                        + "' and '" + name + "'");
            }
            limits.checkItemFrames(frames.size(), "the archive holds at least");
        }
        return frames;
    }

    static boolean leavesItsFolder(String name) {
        String slashed = name.replace('\\', '/');
        if (slashed.startsWith("/") || DRIVE.matcher(slashed).matches()) {
            return true;
        }
        for (String part : slashed.split("/")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static RgbFrame read(ZipFile zip, Map<String, ZipEntry> frames, String fileName, Path archive,
                                 MediaLimits.Budget budget) throws IOException {
        ZipEntry entry = frames.get(fileName);
        if (entry == null) {
            throw new NoSuchFileException(archive + "!/" + fileName, null, "frame not in the archive");
        }
        if (entry.getSize() == 0) {
            throw new IOException(archive + "!/" + entry.getName() + ": empty entry (0 bytes), expected a JPEG or PNG "
                    + "frame");
        }
        // A memory cache: ImageIO would otherwise buffer every stream in a temporary file.
        try (InputStream in = zip.getInputStream(entry);
             ImageInputStream image = new MemoryCacheImageInputStream(in)) {
            return FrameFolderDecoder.decodeImage(image, archive + "!/" + entry.getName(), budget);
        }
    }
}
