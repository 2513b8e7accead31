package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stfusion.datasets.files.Configs.map;
import static org.stfusion.datasets.files.Configs.open;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.data.DataException;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;

/**
 * Items must really be inside the dataset root: a list path that reaches a file or folder outside it through a
 * symbolic link is left out when the dataset opens and reported naming the list line and where it leads; links
 * that stay inside, and a root that is itself a link, are fine.
 */
class RootLinksTest {
    @TempDir
    Path dir;
    private Path root;
    private Path outside;

    @BeforeEach
    void writeRootAndOutside() throws IOException {
        root = Files.createDirectories(dir.resolve("data"));
        outside = Files.createDirectories(dir.resolve("private"));
        MiniMedia.writeVideo(root.resolve("videos/a.avi"), 8, Color.RED);
        MiniMedia.writeVideo(root.resolve("videos/b.avi"), 8, Color.GREEN);
        MiniMedia.writeVideo(outside.resolve("secret.avi"), 8, Color.BLUE);
        Files.createSymbolicLink(root.resolve("videos/alias.avi"), root.resolve("videos/b.avi"));
        Files.createSymbolicLink(root.resolve("videos/leak.avi"), outside.resolve("secret.avi"));
        Files.createSymbolicLink(root.resolve("elsewhere"), outside);
        MiniMedia.write(root.resolve("train.txt"), "videos/a.avi 0\nvideos/alias.avi 1\nvideos/leak.avi 1\n"
                + "elsewhere/secret.avi 0\nelsewhere/not-yet.avi 0\nvideos/../../private/secret.avi 1\n");
        MiniMedia.write(root.resolve("val.txt"), "videos/b.avi 1\n");
    }

    private Dataset openList(Path listedRoot) {
        return open(new ListDatasetProvider(), map("root", listedRoot.toString(), "train", "train.txt",
                "val", "val.txt", "classes", 2, "frames", 4, "size", 16));
    }

    @Test
    void pathsLinkedOutOfTheRootAreLeftOutNamingTheLineAndWhereTheyLead() throws IOException {
        Dataset dataset = openList(root);
        assertEquals(2, dataset.size(Split.TRAIN), "a.avi and the alias that stays inside");
        assertEquals(1, dataset.clip(Split.TRAIN, 1, 1).label(), "the alias reads");
        Path list = root.resolve("train.txt");
        String secret = outside.toRealPath().resolve("secret.avi").toString();
        ListDatasetTest.assertRejected(dataset.rejected(Split.TRAIN), List.of(
                list + ":3 path 'videos/leak.avi' leads out of the dataset root " + root
                        + " through a symbolic link, to " + secret,
                list + ":4 path 'elsewhere/secret.avi' leads out of the dataset root " + root
                        + " through a symbolic link, to " + secret,
                list + ":5 path 'elsewhere/not-yet.avi' leads out of the dataset root " + root
                        + " through a symbolic link, to " + outside.toRealPath(),
                list + ":6 path 'videos/../../private/secret.avi' leaves the dataset root " + root));
    }

    @Test
    void aRootThatIsItselfALinkKeepsItsItems() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("data-link"), root);
        Dataset dataset = openList(link);
        assertEquals(2, dataset.size(Split.TRAIN));
        assertEquals(4, dataset.rejected(Split.TRAIN).size());
        assertEquals(0, dataset.clip(Split.TRAIN, 0, 1).label());
    }

    @Test
    void theRealPathCheckJudgesMissingPathsByTheirDeepestExistingFolder() throws IOException {
        assertNull(RealPaths.outside(root, root.resolve("videos/missing/deeper.avi")));
        assertEquals(outside.toRealPath(), RealPaths.outside(root, root.resolve("elsewhere/missing/deeper.avi")));
        assertNull(RealPaths.outside(root, root.resolve("videos/alias.avi")));
        assertEquals(outside.toRealPath().resolve("secret.avi"),
                RealPaths.outside(root, root.resolve("videos/leak.avi")));
    }

    @Test
    void frameFoldersAndArchivesLinkedOutOfTheRootAreLeftOutToo() throws IOException {
        MiniMedia.writeFrames(root.resolve("frames/a"), 6, "img_%05d.jpg", Color.RED);
        MiniMedia.writeFrames(outside.resolve("frames"), 6, "img_%05d.jpg", Color.BLUE);
        Files.createSymbolicLink(root.resolve("frames/b"), outside.resolve("frames"));
        MiniMedia.writeFrameZip(outside.resolve("b.zip"), 6, "img_%05d.jpg", "", Color.BLUE);
        Files.createSymbolicLink(root.resolve("frames/b.zip"), outside.resolve("b.zip"));
        MiniMedia.writeFrameZip(root.resolve("frames/a.zip"), 6, "img_%05d.jpg", "", Color.RED);
        MiniMedia.write(root.resolve("frames.txt"), "frames/a 6 0\nframes/b 6 1\n");
        for (String format : List.of("frames", "zip")) {
            Dataset dataset = open(new ListDatasetProvider(), map("root", root.toString(), "train", "frames.txt",
                    "val", "frames.txt", "classes", 2, "format", format, "frames", 4, "size", 16));
            assertEquals(1, dataset.size(Split.TRAIN), format);
            assertEquals(1, dataset.rejected(Split.TRAIN).size(), format);
            assertTrue(dataset.rejected(Split.TRAIN).get(0).reason().contains("leads out of the dataset root"),
                    dataset.rejected(Split.TRAIN).get(0).toString());
        }
    }

    @Test
    void anHmdbClassFolderLinkedOutOfTheRootStopsTheDatasetFromOpening() throws IOException {
        Path videos = Files.createDirectories(dir.resolve("hmdb"));
        Path splits = Files.createDirectories(dir.resolve("splits"));
        MiniMedia.writeVideo(videos.resolve("clap/clap_a.avi"), 8, Color.RED);
        MiniMedia.writeVideo(outside.resolve("wave/wave_a.avi"), 8, Color.BLUE);
        Files.createSymbolicLink(videos.resolve("wave"), outside.resolve("wave"));
        MiniMedia.write(splits.resolve("clap_test_split1.txt"), "clap_a.avi 1\n");
        MiniMedia.write(splits.resolve("wave_test_split1.txt"), "wave_a.avi 1\n");
        DataException e = assertThrows(DataException.class, () -> open(new Hmdb51DatasetProvider(),
                map("root", videos.toString(), "splits", splits.toString(), "frames", 4, "size", 16)));
        assertEquals("class folder " + videos.resolve("wave") + " leads out of the dataset root " + videos
                + " through a symbolic link, to " + outside.toRealPath().resolve("wave")
                + "; point root at a folder that holds the data", e.getMessage());
    }
}
