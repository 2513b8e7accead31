package org.stfusion.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/**
 * The synthetic dataset: every clip is a pure function of (seed, split, index), so nothing is stored and
 * {@link #clip} is safe to call from any thread. Labels are {@code index mod classes}, which balances every
 * split. There is no augmentation, so the augmentation seed of {@link #clip} is ignored. Validation clips are
 * rendered at {@code testSize} (the same objects and speeds on a torus of that size), training clips at {@code size}.
 */
final class SyntheticDataset implements Dataset {
    /** Bump when the generator changes what it draws, so that old manifest hashes no longer match. */
    private static final int GENERATOR_VERSION = 1;
    private static final int SCENE_STREAM = 0;
    private static final int NOISE_STREAM = 1;

    private final SyntheticSettings settings;
    private final SceneSampler sampler;
    private final ClipRenderer renderer;
    private final SceneSampler validationSampler;
    private final ClipRenderer validationRenderer;
    private final List<String> classNames;
    private final String manifestHash;

    SyntheticDataset(SyntheticSettings settings) {
        this.settings = settings;
        this.sampler = new SceneSampler(settings);
        this.renderer = new ClipRenderer(settings);
        this.validationSampler = new SceneSampler(settings, settings.testSize());
        this.validationRenderer = new ClipRenderer(settings, settings.testSize());
        this.classNames = classNamesOf(settings);
        this.manifestHash = computeManifestHash();
    }

    @Override
    public InputSpec inputSpec() {
        return new InputSpec(SceneSampler.CHANNELS, settings.frames(), settings.size(), settings.size(),
                settings.classes());
    }

    @Override
    public InputSpec inputSpec(Split split) {
        return split == Split.TRAIN ? inputSpec() : new InputSpec(SceneSampler.CHANNELS, settings.frames(),
                settings.testSize(), settings.testSize(), settings.classes());
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int size(Split split) {
        return split == Split.TRAIN ? settings.trainSize() : settings.valSize();
    }

    @Override
    public Clip clip(Split split, int index, long augmentationSeed) {
        Scene scene = scene(split, index);
        ClipRenderer r = split == Split.TRAIN ? renderer : validationRenderer;
        float[] data = r.render(scene, stream(split, index, NOISE_STREAM));
        return new Clip(id(split, index), data, label(index));
    }

    @Override
    public String manifestHash() {
        return manifestHash;
    }

    /** The noise-free content of a clip; package-private so that tests can check the clips against it. */
    Scene scene(Split split, int index) {
        if (index < 0 || index >= size(split)) {
            throw new IndexOutOfBoundsException("clip index " + index + " is outside the " + split.label()
                    + " split, which has " + size(split) + " clips");
        }
        return (split == Split.TRAIN ? sampler : validationSampler).sample(label(index), stream(split, index, SCENE_STREAM));
    }

    private int label(int index) {
        return index % settings.classes();
    }

    private static String id(Split split, int index) {
        return String.format("%s-%06d", split.label(), index);
    }

    /** Independent streams per (seed, split, index, purpose): each step is a bijective 64-bit mix. */
    private SplittableRandom stream(Split split, int index, int purpose) {
        long h = mix64(settings.seed());
        h = mix64(h + split.ordinal());
        h = mix64(h + index);
        h = mix64(h + purpose);
        return new SplittableRandom(h);
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser, as used by SplitMix64. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static List<String> classNamesOf(SyntheticSettings settings) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < settings.classes(); k++) {
            names.add(switch (settings.task()) {
                case MOTION -> Direction.values()[k].className();
                case APPEARANCE -> AppearanceClass.values()[k].className();
                case SCALE -> AppearanceClass.values()[k / settings.directions()].className() + "-"
                        + Direction.values()[k % settings.directions()].className();
            });
        }
        return List.copyOf(names);
    }

    /** SHA-256 over the generator parameters and the sorted "split/id label" lines, first 16 hex digits. */
    private String computeManifestHash() {
        List<String> lines = new ArrayList<>();
        for (Split split : Split.values()) {
            for (int i = 0; i < size(split); i++) {
                lines.add(split.label() + "/" + id(split, i) + " " + label(i));
            }
        }
        return ManifestHash.of("synthetic generator " + GENERATOR_VERSION + " " + settings.describe(), lines);
    }
}
