package org.stfusion.datasets.files;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads items stored as a folder of JPEG/PNG frames with {@code javax.imageio} (measured within ~25 % of
 * OpenCV's speed, with no natives). Frame k (0-based) is the file {@code pattern(firstNumber + k)}. Every frame's
 * size is read from its header and checked against the {@link MediaLimits} before it is decoded, and a frame file
 * that is a symbolic link out of its folder is refused.
 */
final class FrameFolderDecoder implements ClipDecoder {
    private final FramePattern pattern;
    private final int firstNumber;
    private final MediaLimits limits;

    FrameFolderDecoder(FramePattern pattern, int firstNumber) {
        this(pattern, firstNumber, MediaLimits.DEFAULTS);
    }

    FrameFolderDecoder(FramePattern pattern, int firstNumber, MediaLimits limits) {
        this.pattern = pattern;
        this.firstNumber = firstNumber;
        this.limits = limits;
    }

    @Override
    public List<RgbFrame> decode(Path folder, int frameCountHint, IntFunction<int[]> pick) throws IOException {
        if (frameCountHint > 0) {
            limits.checkItemFrames(frameCountHint, "the list states");
        }
        int frameCount = frameCountHint > 0 ? frameCountHint : countFrames(folder);
        MediaLimits.Budget budget = limits.budget();
        Map<Integer, RgbFrame> decoded = new HashMap<>();
        List<RgbFrame> frames = new ArrayList<>();
        for (int index : pick.apply(frameCount)) {
            RgbFrame frame = decoded.get(index);
            if (frame == null) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("decoding " + folder + " was interrupted");
                }
                frame = read(folder, pattern.fileName(Math.addExact(firstNumber, index)), budget);
                decoded.put(index, frame);
            }
            frames.add(frame);
        }
        return frames;
    }

    private int countFrames(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(folder.toString(), null, "frame folder not found");
        }
        try (Stream<Path> files = Files.list(folder)) {
            long count = files.filter(f -> pattern.matches(f.getFileName().toString())).count();
            if (count == 0) {
                throw new IOException("no frames named like " + pattern.fileName(firstNumber) + " in " + folder);
            }
            limits.checkItemFrames(count, "the folder holds");
            return (int) count;
        }
    }

    /** The frame file {@code name} of {@code folder}. */
    private static RgbFrame read(Path folder, String name, MediaLimits.Budget budget) throws IOException {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "frame file not found");
        }
        Path real = file.toRealPath();
        if (!folder.toRealPath().equals(real.getParent())) {
            // Frame extraction writes plain files; a link elsewhere could make the run read any file.
            throw new IOException(file + " is a symbolic link to " + real + ", outside its item's folder");
        }
        if (Files.size(file) == 0) {
            throw new IOException(file + ": empty file (0 bytes), expected a JPEG or PNG frame");
        }
        ImageInputStream input;
        try {
            input = ImageIO.createImageInputStream(file.toFile());
        } catch (IOException e) {
            throw unreadable(file.toString(), e);
        }
        try (input) {
            return decodeImage(input, file.toString(), budget);
        }
    }

    /**
     * Decodes the one image of {@code input} (named {@code name} in messages), after checking the size its header
     * states: a header may claim any size, and ImageIO would allocate it. This is {@link ImageIO#read} with that
     * check added.
     */
    static RgbFrame decodeImage(ImageInputStream input, String name, MediaLimits.Budget budget) throws IOException {
        Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
        if (readers == null || !readers.hasNext()) {
            throw new IOException("not a readable image: " + name);
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(input, true, true);
            int width;
            int height;
            BufferedImage image;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw unreadable(name, e);
            }
            budget.take(width, height, name);
            try {
                image = reader.read(0, reader.getDefaultReadParam());
            } catch (IOException | RuntimeException e) {
                throw unreadable(name, e);
            }
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new IOException(name + " decoded as " + image.getWidth() + "x" + image.getHeight()
                        + " though its header says " + width + "x" + height);
            }
            return toRgb(image);
        } finally {
            reader.dispose();
        }
    }

    /**
     * ImageIO's messages do not name the file, and some of its decoders fail on bad data with runtime errors, whose
     * class says more than their message.
     */
    private static IOException unreadable(String name, Exception e) {
        return new IOException(name + ": " + (e instanceof IOException ? e.getMessage() : e.toString()), e);
    }

    static RgbFrame toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            // What ImageIO returns for ordinary JPEGs: swap the bytes instead of the slow per-pixel getRGB.
            byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int p = 0; p < argb.length; p++) {
                rgb[3 * p] = (byte) (argb[p] >> 16);
                rgb[3 * p + 1] = (byte) (argb[p] >> 8);
                rgb[3 * p + 2] = (byte) argb[p];
            }
        }
        return new RgbFrame(w, h, rgb);
    }
}
