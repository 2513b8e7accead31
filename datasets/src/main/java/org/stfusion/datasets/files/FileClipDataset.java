package org.stfusion.datasets.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
 * read in {@link #clip} and {@link #view}, so a missing, empty, truncated or corrupt video, an unreadable frame, an
 * item over the {@link MediaLimits}, any runtime failure of its decoder (including running out of memory for its
 * own buffers) and a decode that outlasts {@code decodeTimeoutSeconds} surface there as a {@link BadItemException}
 * naming the item, its path and the reason (never as a crash or a hang).
 * Training clips draw their start frame, short side, crop and flip from (seed, index); validation clips ignore the
 * seed. Validation items have {@code testClips × testCrops} views. Thread-safe: every call opens its own decoder.
 */
final class FileClipDataset implements Dataset {
    private static final int CHANNELS = ClipSettings.CHANNELS;

    private static final AtomicInteger DECODING_THREADS = new AtomicInteger();
    /**
     * Each decode runs here while the caller waits with a time limit, so that a stuck one can be given up. A thread
     * that FFmpeg holds past the limit is left to finish on its own; idle threads end after a minute.
     */
    private static final ExecutorService DECODING = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "stfusion-decode-" + DECODING_THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private final ClipSettings settings;
    private final Manifest manifest;
    private final ClipDecoder decoder;
    private final ClipSampler sampler;
    private final ClipAugmenter augmenter;
    private final String manifestHash;

    FileClipDataset(ClipSettings settings, Manifest manifest) {
        this(settings, manifest, settings.decoder());
    }

    /** With another decoder than the settings' (tests: one that hangs or fails). */
    FileClipDataset(ClipSettings settings, Manifest manifest, ClipDecoder decoder) {
        this.settings = settings;
        this.manifest = manifest;
        this.decoder = decoder;
        this.sampler = settings.sampler();
        this.augmenter = settings.augmenter();
        this.manifestHash = computeManifestHash(manifest);
    }

    @Override
    public InputSpec inputSpec() {
        return new InputSpec(CHANNELS, settings.frames(), settings.size(), settings.size(),
                manifest.classNames().size());
    }

    /** Validation clips and views are {@code testSize} square (training clips {@code size}). */
    @Override
    public InputSpec inputSpec(Split split) {
        return split == Split.TRAIN ? inputSpec() : settings.validationSpec(manifest.classNames().size());
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
        return testView(settings, sampler, augmenter, decoder, item(split, index), view);
    }

    /**
     * View {@code view} of the {@code testClips × testCrops} validation views of {@code item}, read with
     * {@code decoder}: what the scorer averages, also for media outside the lists ({@link FileMediaReader}).
     */
    static Clip testView(ClipSettings settings, ClipSampler sampler, ClipAugmenter augmenter, ClipDecoder decoder,
                         ClipItem item, int view) {
        int clips = settings.testClips();
        int crops = settings.testCrops();
        return read(settings, decoder, item, count -> sampler.testIndices(count, view / crops, clips),
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

    /** The items and rejected entries the lists gave. */
    Manifest manifest() {
        return manifest;
    }

    private ClipItem item(Split split, int index) {
        List<ClipItem> items = manifest.items(split);
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("clip index " + index + " is outside the " + split.label()
                    + " split, which has " + items.size() + " clips");
        }
        return items.get(index);
    }

    /**
     * Decodes the frames {@code pick} chooses and {@code render}s them, within the time limit; whatever goes wrong
     * with this one item makes it a bad item.
     */
    private Clip read(ClipItem item, IntFunction<int[]> pick, Function<List<RgbFrame>, float[]> render) {
        return read(settings, decoder, item, pick, render);
    }

    private static Clip read(ClipSettings settings, ClipDecoder decoder, ClipItem item, IntFunction<int[]> pick,
                             Function<List<RgbFrame>, float[]> render) {
        Future<Clip> decoding = DECODING.submit(() -> new Clip(item.id(),
                render.apply(decoder.decode(item.path(), item.frameCount(), pick)), item.label()));
        MediaLimits limits = settings.limits();
        try {
            return decoding.get(limits.decodeTimeoutSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            decoding.cancel(true); // decoders stop between frames when interrupted
            throw bad(item, "decoding took longer than " + limits.key("decodeTimeoutSeconds") + " "
                    + limits.decodeTimeoutSeconds() + " s and was given up", null);
        } catch (ExecutionException e) {
            throw bad(settings, item, e.getCause());
        } catch (InterruptedException e) {
            decoding.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while decoding " + item.id());
        }
    }

    private static BadItemException bad(ClipSettings settings, ClipItem item, Throwable failure) {
        if (failure instanceof OutOfMemoryError) {
            // Thrown while this item's own buffers were being allocated: they are garbage now, and the next item
            // gets the memory. A heap exhausted by something else fails every item, and the bad-item limit stops
            // the run with this reason in its message.
            return bad(item, "ran out of memory decoding it (" + failure.getMessage() + ", at most "
                    + MediaLimits.mebibytes(Runtime.getRuntime().maxMemory()) + " of heap); lower "
                    + settings.limits().key("maxClipMiB") + " or " + settings.limits().key("maxFramePixels")
                    + ", or give Java more memory", failure);
        }
        if (failure instanceof StackOverflowError) {
            return bad(item, "decoding it overflowed the stack (a malformed file)", failure);
        }
        if (failure instanceof Error error) {
            throw error; // the environment, not this item: missing natives, a broken class path
        }
        if (failure instanceof IOException || failure instanceof IllegalArgumentException) {
            return bad(item, reason(failure, item), failure);
        }
        // Not expected from a decoder, so the exception's class is part of the story (overflow, bad index, ...).
        return bad(item, failure.toString(), failure);
    }

    /** The item's id and path, or its path alone when that is its id (media outside the lists). */
    private static BadItemException bad(ClipItem item, String reason, Throwable cause) {
        String source = item.id().equals(item.path().toString()) ? item.id() : item.id() + " (" + item.path() + ")";
        return new BadItemException(new BadItem(source, reason), cause);
    }

    /** The exception's message without a leading copy of the item path, which the bad item already names. */
    private static String reason(Throwable e, ClipItem item) {
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
