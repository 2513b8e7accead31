package org.stfusion.datasets.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;
import org.stfusion.datasets.ManifestHash;

/**
 * A dataset of video files or frame folders listed in a {@link Manifest}. The lists were checked when the
 * dataset was opened; the media are only read in {@link #clip}, so a missing, empty or corrupt video or an
 * unreadable frame surfaces there as a {@link DataException} naming the item and the reason (never as a crash).
 * Training clips draw their start frame, short side, crop and flip from (seed, index); validation clips ignore the
 * seed. Thread-safe: every call opens its own decoder.
 */
final class FileClipDataset implements Dataset {
    private static final int CHANNELS = 3;

    private final ClipSettings settings;
    private final Manifest manifest;
    private final ClipDecoder decoder;
    private final DenseSampler sampler;
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
        List<ClipItem> items = manifest.items(split);
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("clip index " + index + " is outside the " + split.label()
                    + " split, which has " + items.size() + " clips");
        }
        ClipItem item = items.get(index);
        SplittableRandom random = new SplittableRandom(mix64(mix64(seed) + index));
        try {
            List<RgbFrame> frames = decoder.decode(item.path(), item.frameCount(), count -> split == Split.TRAIN
                    ? sampler.trainIndices(count, random)
                    : sampler.validationIndices(count));
            float[] data = split == Split.TRAIN ? augmenter.train(frames, random) : augmenter.validation(frames);
            return new Clip(item.id(), data, item.label());
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException(split.label() + " item " + item.id() + " (" + item.path() + "): "
                    + reason(e, item), e);
        }
    }

    @Override
    public String manifestHash() {
        return manifestHash;
    }

    /** The exception's message without a leading copy of the item path, which the caller already names. */
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
