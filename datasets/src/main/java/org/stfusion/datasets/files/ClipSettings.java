package org.stfusion.datasets.files;

import java.util.List;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.InputSpec;

/**
 * How every file-backed dataset turns an item into clips, read from the {@code dataset:} section:
 * <ul>
 * <li>{@code format}: {@code video} (one file per item, decoded with FFmpeg), {@code frames} (one folder of
 * JPEG/PNG frames per item) or {@code zip} (one zip archive of frames per item: {@code <item>.zip}, or with
 * {@code zipName} set, e.g. to the paper code's {@code RGB_frames.zip}, that file inside the item's folder); the
 * default depends on the dataset;</li>
 * <li>{@code framePattern}: frame file names, default {@code img_{:05d}.jpg} (mmaction2) unless the dataset has its
 * own (Something-Something V1 {@code {:05d}.jpg}, V2 {@code {:06d}.jpg}); {@code firstFrame}: number of the first
 * file, default 1;</li>
 * <li>{@code sampling}: {@code dense} (default: {@code frames} frames, default 16, {@code stride} apart, default 1)
 * or {@code segments} (TSN: one frame from each of {@code segments} equal parts, default 8);</li>
 * <li>{@code size}: crop side in px of the training clips (default 112, 8..1024); {@code testSize}: crop side of the
 * validation clips and test crops (default {@code size}; the authors train on 224 px crops and test on 256 px centre
 * crops: the networks are convolutional up to a global pooling, so the same weights score any size their
 * downsampling takes); {@code shortSide}: the short side frames are resized to for validation (default size × 8/7,
 * i.e. 128 for 112 and 256 for 224; at least {@code testSize}); {@code trainShortSide}: {@code [min, max]} range the
 * training short side is drawn from (default {@code [shortSide, shortSide]});</li>
 * <li>{@code flip}: random horizontal flips in training (default false: flipping changes the class of
 * left/right actions, e.g. in Something-Something);</li>
 * <li>{@code testClips} (default 1) × {@code testCrops} (1 or 3, default 1): the views of each validation item
 * the scorer averages (the usual Kinetics protocol is 10 × 3); clips evenly spread in time, crops left, centre,
 * right along the long side.</li>
 * <li>{@code maxItemFrames} (default 100 000), {@code maxFramePixels} (default 8192 × 8192 = 67 108 864),
 * {@code maxClipMiB} (decoded RGB per clip, default 1024) and {@code decodeTimeoutSeconds} (default 120): what one
 * item may cost (see {@link MediaLimits}); an item over a limit is a bad item, skipped and listed.</li>
 * </ul>
 */
record ClipSettings(MediaFormat format, FramePattern framePattern, int firstFrame, String zipName,
                    ClipSampler sampler, int size, int testSize, int shortSide, int trainShortSideMin, int trainShortSideMax,
                    boolean flip, int testClips, int testCrops, MediaLimits limits) {

    static final String DEFAULT_FRAME_PATTERN = "img_{:05d}.jpg";
    private static final int MAX_SIDE = 4096;
    /** RGB. */
    static final int CHANNELS = 3;

    /** The settings of a dataset distributed as videos, with mmaction2's frame names. */
    static ClipSettings read(PluginConfig config) {
        return read(config, MediaFormat.VIDEO, DEFAULT_FRAME_PATTERN);
    }

    static ClipSettings read(PluginConfig config, MediaFormat defaultFormat, String defaultFramePattern) {
        MediaFormat format = MediaFormat.fromConfigName(config.getChoice("format", defaultFormat.configName(),
                MediaFormat.VIDEO.configName(), MediaFormat.FRAMES.configName(), MediaFormat.ZIP.configName()));
        FramePattern pattern = readPattern(config, defaultFramePattern);
        int firstFrame = config.getInt("firstFrame", 1, 0, 1_000_000);
        String zipName = readZipName(config, format);
        ClipSampler sampler = readSampler(config);
        int size = config.getInt("size", 112, 8, 1024);
        int testSize = config.getInt("testSize", size, 8, 1024);
        boolean shortSideGiven = config.has("shortSide");
        int shortSide = config.getInt("shortSide", Math.round(size * 8f / 7f), size, MAX_SIDE);
        if (testSize > shortSide) {
            throw new ConfigException(config.key("testSize"), "a validation crop of " + testSize + " px does not fit "
                    + "frames resized to a short side of " + shortSide + " px (" + config.key("shortSide")
                    + (shortSideGiven ? "" : ", size x 8/7 unless set") + "): raise " + config.key("shortSide")
                    + " to at least " + testSize + " or lower " + config.key("testSize"));
        }
        List<Integer> jitter = config.getIntList("trainShortSide", List.of(shortSide, shortSide), size, MAX_SIDE);
        if (jitter.size() != 2 || jitter.get(0) > jitter.get(1)) {
            throw new ConfigException(config.key("trainShortSide"),
                    "expected [min, max] with min <= max, got " + jitter);
        }
        boolean flip = config.getBoolean("flip", false);
        int testClips = config.getInt("testClips", 1, 1, 100);
        int testCrops = Integer.parseInt(config.getChoice("testCrops", "1", "1", "3"));
        checkClipValues(config, sampler, size, testSize, testClips * testCrops);
        return new ClipSettings(format, pattern, firstFrame, zipName, sampler, size, testSize, shortSide, jitter.get(0),
                jitter.get(1), flip, testClips, testCrops, MediaLimits.read(config));
    }

    private static FramePattern readPattern(PluginConfig config, String defaultPattern) {
        try {
            return FramePattern.parse(config.getString("framePattern", defaultPattern));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.key("framePattern"), e.getMessage());
        }
    }

    private static String readZipName(PluginConfig config, MediaFormat format) {
        String name = config.getString("zipName", null);
        if (name == null) {
            return null;
        }
        if (format != MediaFormat.ZIP) {
            throw new ConfigException(config.key("zipName"), "only used with format: zip");
        }
        if (!name.endsWith(".zip") || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new ConfigException(config.key("zipName"), "expected a file name such as RGB_frames.zip, got '"
                    + name + "'");
        }
        return name;
    }

    /** Dense or segment sampling; the keys of the other kind are errors rather than silently ignored. */
    private static ClipSampler readSampler(PluginConfig config) {
        String kind = config.getChoice("sampling", "dense", "dense", "segments");
        if (kind.equals("segments")) {
            for (String denseKey : List.of("frames", "stride")) {
                if (config.has(denseKey)) {
                    throw new ConfigException(config.key(denseKey), "not used with sampling: segments, which takes "
                            + "one frame from each of 'segments' parts of the video");
                }
            }
            return new SegmentSampler(config.getInt("segments", 8, 1, 1024));
        }
        if (config.has("segments")) {
            throw new ConfigException(config.key("segments"), "only used with sampling: segments");
        }
        return new DenseSampler(config.getInt("frames", 16, 1, 1024), config.getInt("stride", 1, 1, 64));
    }

    /**
     * A clip, and the views of one validation item, are single arrays: frames x size^2 x 3 channels (and frames x
     * testSize^2 x 3 times the views) must stay within {@link InputSpec#MAX_CLIP_VALUES}, computed in long arithmetic.
     */
    private static void checkClipValues(PluginConfig config, ClipSampler sampler, int size, int testSize, int views) {
        String framesKey = config.key(sampler instanceof SegmentSampler ? "segments" : "frames");
        for (String sizeKey : List.of("size", "testSize")) {
            int side = sizeKey.equals("size") ? size : testSize;
            long clip = InputSpec.values(CHANNELS, sampler.frames(), side, side);
            if (clip > InputSpec.MAX_CLIP_VALUES) {
                throw new ConfigException(framesKey, "a clip of " + sampler.frames() + " frames of " + side + "x" + side
                        + " px (" + config.key(sizeKey) + ") holds " + clip + " values, more than the "
                        + InputSpec.MAX_CLIP_VALUES + " a clip may hold: lower " + framesKey + " or "
                        + config.key(sizeKey));
            }
        }
        long clip = InputSpec.values(CHANNELS, sampler.frames(), testSize, testSize);
        if (clip * views > InputSpec.MAX_CLIP_VALUES) {
            throw new ConfigException(config.key("testClips"), views + " views (testClips x testCrops) of a clip of "
                    + clip + " values hold " + clip * views + " values, more than the " + InputSpec.MAX_CLIP_VALUES
                    + " one validation item may hold: lower " + config.key("testClips") + " or the clip size");
        }
    }

    /** Frames per clip. */
    int frames() {
        return sampler.frames();
    }

    ClipDecoder decoder() {
        return switch (format) {
            case FRAMES -> new FrameFolderDecoder(framePattern, firstFrame, limits);
            case ZIP -> new ZipFramesDecoder(framePattern, firstFrame, limits);
            case VIDEO -> new VideoFileDecoder(limits);
        };
    }

    ClipAugmenter augmenter() {
        return new ClipAugmenter(size, testSize, shortSide, trainShortSideMin, trainShortSideMax, flip);
    }

    /** The shape of the validation clips: {@code testSize} square. */
    InputSpec validationSpec(int classes) {
        return new InputSpec(CHANNELS, frames(), testSize, testSize, classes);
    }
}
