package org.stfusion.datasets.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.MediaReader;
import org.stfusion.api.model.Shape;

/**
 * Media outside a file dataset's lists, read as its validation items are ({@link FileClipDataset#testView}): the same
 * sampler, crops ({@code testSize}, {@code testClips × testCrops} views), normalisation, limits and decode time-out.
 * What the media is follows from the path: a folder is a frame folder named by the dataset's {@code framePattern}
 * from {@code firstFrame} (or, with {@code format: zip} and {@code zipName}, the folder holding that archive), a
 * {@code .zip} file an archive of such frames, and any other file a video that FFmpeg decodes.
 */
final class FileMediaReader implements MediaReader {
    private final ClipSettings settings;
    private final ClipSampler sampler;
    private final ClipAugmenter augmenter;

    private FileMediaReader(ClipSettings settings) {
        this.settings = settings;
        this.sampler = settings.sampler();
        this.augmenter = settings.augmenter();
    }

    static Optional<MediaReader> of(ClipSettings settings) {
        return Optional.of(new FileMediaReader(settings));
    }

    @Override
    public Shape viewShape() {
        return settings.validationSpec(2).clipShape();
    }

    @Override
    public String accepts() {
        return "a video file (decoded with FFmpeg), a folder of frames named like "
                + settings.framePattern().fileName(settings.firstFrame()) + " or a .zip archive of them";
    }

    @Override
    public List<float[]> views(Path media) {
        String name = media.toString();
        if (!Files.exists(media)) {
            throw new BadItemException(new BadItem(name, "does not exist; expected " + accepts()));
        }
        ClipDecoder decoder;
        Path path = media;
        if (Files.isDirectory(media)) {
            Path archive = settings.zipName() == null ? null : media.resolve(settings.zipName());
            if (archive != null && Files.isRegularFile(archive)) {
                decoder = new ZipFramesDecoder(settings.framePattern(), settings.firstFrame(), settings.limits());
                path = archive;
            } else {
                decoder = new FrameFolderDecoder(settings.framePattern(), settings.firstFrame(), settings.limits());
            }
        } else if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            decoder = new ZipFramesDecoder(settings.framePattern(), settings.firstFrame(), settings.limits());
        } else {
            decoder = new VideoFileDecoder(settings.limits());
        }
        ClipItem item = new ClipItem(name, path, 0, 0);
        int views = settings.testClips() * settings.testCrops();
        List<float[]> out = new ArrayList<>(views);
        for (int v = 0; v < views; v++) {
            out.add(FileClipDataset.testView(settings, sampler, augmenter, decoder, item, v).data());
        }
        return out;
    }
}
