package org.stfusion.datasets.files;

import java.util.List;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;

/**
 * How every file-backed dataset turns an item into a clip, read from the {@code dataset:} section:
 * <ul>
 * <li>{@code format}: {@code video} (default, one file per item, decoded with FFmpeg) or {@code frames} (one
 * folder of JPEG/PNG frames per item);</li>
 * <li>{@code framePattern}: frame file names, default {@code img_{:05d}.jpg} (mmaction2); e.g. {@code {:05d}.jpg}
 * (Something-Something V1) or {@code {:06d}.jpg}; {@code firstFrame}: number of the first file, default 1;</li>
 * <li>{@code frames} (default 16, 1..1024) frames {@code stride} apart (default 1, 1..64);</li>
 * <li>{@code size}: crop side in px (default 112, 8..1024); {@code shortSide}: the short side frames are resized
 * to for validation (default size × 8/7, i.e. 128 for 112 and 256 for 224); {@code trainShortSide}:
 * {@code [min, max]} range the training short side is drawn from (default {@code [shortSide, shortSide]});</li>
 * <li>{@code flip}: random horizontal flips in training (default false: flipping changes the class of
 * left/right actions, e.g. in Something-Something).</li>
 * </ul>
 */
record ClipSettings(MediaFormat format, FramePattern framePattern, int firstFrame, int frames, int stride, int size,
                    int shortSide, int trainShortSideMin, int trainShortSideMax, boolean flip) {

    private static final int MAX_SIDE = 4096;

    static ClipSettings read(PluginConfig config) {
        MediaFormat format = MediaFormat.fromConfigName(config.getChoice("format", "video", "video", "frames"));
        FramePattern pattern = readPattern(config);
        int firstFrame = config.getInt("firstFrame", 1, 0, 1_000_000);
        int frames = config.getInt("frames", 16, 1, 1024);
        int stride = config.getInt("stride", 1, 1, 64);
        int size = config.getInt("size", 112, 8, 1024);
        int shortSide = config.getInt("shortSide", Math.round(size * 8f / 7f), size, MAX_SIDE);
        List<Integer> jitter = config.getIntList("trainShortSide", List.of(shortSide, shortSide), size, MAX_SIDE);
        if (jitter.size() != 2 || jitter.get(0) > jitter.get(1)) {
            throw new ConfigException(config.key("trainShortSide"),
                    "expected [min, max] with min <= max, got " + jitter);
        }
        boolean flip = config.getBoolean("flip", false);
        return new ClipSettings(format, pattern, firstFrame, frames, stride, size, shortSide, jitter.get(0),
                jitter.get(1), flip);
    }

    private static FramePattern readPattern(PluginConfig config) {
        try {
            return FramePattern.parse(config.getString("framePattern", "img_{:05d}.jpg"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.key("framePattern"), e.getMessage());
        }
    }

    ClipDecoder decoder() {
        return format == MediaFormat.FRAMES ? new FrameFolderDecoder(framePattern, firstFrame) : new VideoFileDecoder();
    }

    DenseSampler sampler() {
        return new DenseSampler(frames, stride);
    }

    ClipAugmenter augmenter() {
        return new ClipAugmenter(size, shortSide, trainShortSideMin, trainShortSideMax, flip);
    }
}
