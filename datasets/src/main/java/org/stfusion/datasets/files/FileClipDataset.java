package org.stfusion.datasets.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;
import org.stfusion.datasets.ManifestHash;

/**
 * A dataset of video files, frame folders or frame archives listed in a {@link Manifest}. The lists were checked
 * when the dataset was opened (entries that could not become items are in {@link #rejected}); the media are only
 * read in {@link #clip} and {@link #view}, so a missing, empty, truncated or corrupt video or an unreadable frame
 * surfaces there as a {@link BadItemException} naming the item, its path and the reason (never as a crash).
 * Training clips draw their start frame, short side, crop and flip from (seed, index); validation clips ignore the
 * seed. Validation items have {@code testClips × testCrops} views. Thread-safe: every call opens its own decoder.
 */
final class FileClipDataset implements Dataset {
    private static final int CHANNELS = ClipSettings.CHANNELS;

    private final ClipSettings settings;
    private final Manifest manifest;
    private final ClipDecoder decoder;
    private final ClipSampler sampler;
    private final ClipAugmenter augmenter;
    private final String manifestHash;

    FileClipDataset(ClipSettings settings, Manifest manifest) {
        this.settings = settings;
        this.manifest = manifest;
        this.decoder = settings.decoder();
        this.sampler = settings.sampler();
        this.augmenter = settings.augmenter();
        this.manifestHash = computeManifestHash(manifest);
    }

    @Override
    public InputSpec inputSpec() {
        return new InputSpec(CHANNELS, settings.frames(), settings.size(), settings.size(),
                manifest.classNames().size());
    }

    @Override
    public List<String> classNames() {
        return manifest.classNames();
    }

    @Override
    public int size(Split split) {
        return manifest.items(split).size();
    }

    @Override
    public Clip clip(Split split, int index, long seed) {
        ClipItem item = item(split, index);
        if (split != Split.TRAIN) {
            return read(item, sampler::validationIndices, augmenter::validation);
        }
        SplittableRandom random = new SplittableRandom(mix64(mix64(seed) + index));
        return read(item, count -> sampler.trainIndices(count, random), frames -> augmenter.train(frames, random));
    }

    @Override
    public int views(Split split) {
        return split == Split.TRAIN ? 1 : settings.testClips() * settings.testCrops();
    }

    /** Views are clip-major: view v is test clip v / testCrops, crop v % testCrops. */
    @Override
    public Clip view(Split split, int index, int view) {
        int views = views(split);
        if (view < 0 || view >= views) {
            throw new IndexOutOfBoundsException("view " + view + " of a " + split.label() + " item with " + views
                    + (views == 1 ? " view" : " views"));
        }
        if (split == Split.TRAIN) {
            return clip(split, index, 0);
        }
        int clips = settings.testClips();
        int crops = settings.testCrops();
        return read(item(split, index), count -> sampler.testIndices(count, view / crops, clips),
                frames -> augmenter.test(frames, view % crops, crops));
    }

    @Override
    public List<BadItem> rejected(Split split) {
        return manifest.rejected(split);
    }

    @Override
    public String manifestHash() {
        return manifestHash;
    }

    private ClipItem item(Split split, int index) {
        List<ClipItem> items = manifest.items(split);
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("clip index " + index + " is outside the " + split.label()
                    + " split, which has " + items.size() + " clips");
        }
        return items.get(index);
    }

    /** Decodes the frames {@code pick} chooses and {@code render}s them; unreadable media make a bad item. */
    private Clip read(ClipItem item, IntFunction<int[]> pick, Function<List<RgbFrame>, float[]> render) {
        try {
            return new Clip(item.id(), render.apply(decoder.decode(item.path(), item.frameCount(), pick)),
                    item.label());
        } catch (IOException | IllegalArgumentException e) {
            throw new BadItemException(new BadItem(item.id() + " (" + item.path() + ")", reason(e, item)), e);
        }
    }

    /** The exception's message without a leading copy of the item path, which the bad item already names. */
    private static String reason(Exception e, ClipItem item) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String prefix = item.path() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()).strip() : message.strip();
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: neighbouring seeds and indices give unrelated streams. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** SHA-256 over the sorted "split/id label" lines, first 16 hex digits. */
    private static String computeManifestHash(Manifest manifest) {
        List<String> lines = new ArrayList<>();
        for (Split split : Split.values()) {
            for (ClipItem item : manifest.items(split)) {
                lines.add(split.label() + "/" + item.id() + " " + item.label());
            }
        }
        return ManifestHash.of(null, lines);
    }
}
