package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.data.BadItemLedger;
import org.stfusion.core.data.ClipBatches;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.network.BuiltGraph;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.train.SgdMomentum;
import org.stfusion.testkit.ForwardingDataset;

/**
 * Every dataset plugin, opened by name through its provider on a miniature tree in its real layout (generated media,
 * two classes, a few short items), trains one tiny epoch of a small densenet3d: every training item reaches the
 * network and the loss stays finite.
 */
class DatasetPluginsTrainTest {
    /** One colour per class; the miniature media move a square of it over a dark background. */
    private static final Color[] COLOURS = {new Color(230, 60, 40), new Color(40, 200, 90)};
    private static final int FRAMES = 4;
    private static final int SIZE = 16;
    private static final String[] UCF_CLASSES = {"ApplyEyeMakeup", "HandstandPushups"};

    /** A dataset layout: the plugin that reads it, how to write it, and what opening it must find. */
    enum Layout {
        LIST("list", 4, 0) {
            @Override
            Map<String, Object> write(Path root) throws IOException {
                StringBuilder train = new StringBuilder();
                for (int i = 0; i < 4; i++) {
                    MiniMedia.writeFrames(root.resolve("rawframes/train" + i), 8, "img_%05d.jpg", COLOURS[i % 2]);
                    train.append("rawframes/train").append(i).append(" 8 ").append(i % 2).append('\n');
                }
                MiniMedia.writeFrames(root.resolve("rawframes/val0"), 8, "img_%05d.jpg", COLOURS[1]);
                MiniMedia.write(root.resolve("train.txt"), train.toString());
                MiniMedia.write(root.resolve("val.txt"), "rawframes/val0 8 1\n");
                return config("root", root, "train", "train.txt", "val", "val.txt", "classes", 2, "format", "frames");
            }
        },
        LIST_OF_ZIPPED_FRAMES("list", 4, 0) {
            @Override
            Map<String, Object> write(Path root) throws IOException {
                // The paper code's layout: <item>/RGB_frames.zip listed as "<item> num_frames label".
                StringBuilder train = new StringBuilder();
                for (int i = 0; i < 4; i++) {
                    MiniMedia.writeFrameZip(root.resolve("zip/train" + i + "/RGB_frames.zip"), 8, "img_%05d.jpg", "", COLOURS[i % 2]);
                    train.append("zip/train").append(i).append(" 8 ").append(i % 2).append('\n');
                }
                MiniMedia.writeFrameZip(root.resolve("zip/val0/RGB_frames.zip"), 8, "img_%05d.jpg", "", COLOURS[0]);
                MiniMedia.write(root.resolve("train.txt"), train.toString());
                MiniMedia.write(root.resolve("val.txt"), "zip/val0 8 0\n");
                return config("root", root, "train", "train.txt", "val", "val.txt", "classes", 2, "format", "zip",
                        "zipName", "RGB_frames.zip");
            }
        },
        UCF101("ucf101", 4, 0) {
            @Override
            Map<String, Object> write(Path root) throws IOException {
                StringBuilder train = new StringBuilder();
                StringBuilder test = new StringBuilder();
                for (int k = 0; k < 2; k++) {
                    String file = "v_" + (k == 1 ? "HandStandPushups" : UCF_CLASSES[k]); // the official quirk
                    for (String clip : List.of("_g08_c01", "_g09_c01", "_g01_c01")) {
                        String path = UCF_CLASSES[k] + "/" + file + clip + ".avi";
                        MiniMedia.writeVideo(root.resolve("UCF-101/" + path), 8, COLOURS[k]);
                        if (clip.equals("_g01_c01")) {
                            test.append(path).append("\r\n");
                        } else {
                            train.append(path).append(' ').append(k + 1).append("\r\n");
                        }
                    }
                }
                Path lists = root.resolve("ucfTrainTestlist");
                MiniMedia.write(lists.resolve("classInd.txt"), "1 ApplyEyeMakeup\r\n2 HandstandPushups\r\n");
                MiniMedia.write(lists.resolve("trainlist01.txt"), train.toString());
                MiniMedia.write(lists.resolve("testlist01.txt"), test.toString());
                return config("root", root.resolve("UCF-101"), "splits", lists, "split", 1);
            }
        },
        HMDB51("hmdb51", 4, 0) {
            @Override
            Map<String, Object> write(Path root) throws IOException {
                for (String c : List.of("brush_hair", "cartwheel")) {
                    StringBuilder split = new StringBuilder();
                    String[] tags = {"1", "1", "2", "0"};
                    for (int i = 0; i < tags.length; i++) {
                        String name = c + "_" + i + "_u_nm_np1_fr_goo_0.avi";
                        int label = c.equals("cartwheel") ? 1 : 0;
                        MiniMedia.writeVideo(root.resolve("hmdb51_org/" + c + "/" + name), 8, COLOURS[label]);
                        split.append(name).append(' ').append(tags[i]).append(" \n");
                    }
                    MiniMedia.write(root.resolve("splits/" + c + "_test_split1.txt"), split.toString());
                }
                return config("root", root.resolve("hmdb51_org"), "splits", root.resolve("splits"));
            }
        },
        KINETICS("kinetics", 4, 1) {
            @Override
            Map<String, Object> write(Path root) throws IOException {
                String[] labels = {"abseiling", "passing American football (in game)"};
                StringBuilder train = new StringBuilder("label,youtube_id,time_start,time_end,split,is_cc\n");
                for (int i = 0; i < 4; i++) {
                    String id = "yt" + i + "-_x";
                    MiniMedia.writeVideo(root.resolve(String.format(Locale.ROOT, "train/%s/%s_%06d_%06d.mp4",
                            labels[i % 2].replace(' ', '_'), id, 10 * i, 10 * i + 10)), 8, COLOURS[i % 2]);
                    train.append('"').append(labels[i % 2]).append("\",").append(id).append(',').append(10 * i)
                            .append(',').append(10 * i + 10).append(",train,0\n");
                }
                train.append("abseiling,gone_from_youtube,5,15,train,0\n"); // counted and left out, not fatal
                MiniMedia.writeVideo(root.resolve("val/abseiling/v0_000001_000011.mp4"), 8, COLOURS[0]);
                MiniMedia.write(root.resolve("train.csv"), train.toString());
                MiniMedia.write(root.resolve("validate.csv"), "label,youtube_id,time_start,time_end,split\n"
                        + "abseiling,v0,1,11,val\n");
                return config("root", root, "train", "train.csv", "val", "validate.csv");
            }
        },
        SSV1("ssv1", 4, 0) {
            @Override
            Map<String, Object> write(Path root) throws IOException {
                String[] classes = {"Pushing something from left to right", "Pushing something from right to left"};
                StringBuilder train = new StringBuilder();
                for (int i = 0; i < 4; i++) {
                    MiniMedia.writeFrames(root.resolve("20bn-something-something-v1/" + (100 + i)), 7, "%05d.jpg", COLOURS[i % 2]);
                    train.append(100 + i).append(';').append(classes[i % 2]).append('\n');
                }
                MiniMedia.writeFrames(root.resolve("20bn-something-something-v1/200"), 7, "%05d.jpg", COLOURS[1]);
                MiniMedia.write(root.resolve("something-something-v1-labels.csv"), String.join("\n", classes) + "\n");
                MiniMedia.write(root.resolve("something-something-v1-train.csv"), train.toString());
                MiniMedia.write(root.resolve("something-something-v1-validation.csv"), "200;" + classes[1] + "\n");
                // TSN segments, as Something-Something is usually sampled: one frame from each of 4 segments.
                Map<String, Object> values = config("root", root.resolve("20bn-something-something-v1"),
                        "annotations", root, "sampling", "segments", "segments", FRAMES);
                values.remove("frames");
                return values;
            }
        },
        SSV2("ssv2", 4, 0) {
            @Override
            Map<String, Object> write(Path root) throws IOException {
                String[] templates = {"Pushing [something] from left to right",
                    "Pushing [something] from right to left"};
                List<String> entries = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    MiniMedia.writeVideo(root.resolve("20bn-something-something-v2/" + (10 + i) + ".webm"), 8, COLOURS[i % 2]);
                    entries.add("{\"id\":\"" + (10 + i) + "\",\"label\":\"pushing a pen\",\"template\":\""
                            + templates[i % 2] + "\",\"placeholders\":[\"a pen\"]}");
                }
                MiniMedia.writeVideo(root.resolve("20bn-something-something-v2/20.webm"), 8, COLOURS[0]);
                Path labels = root.resolve("labels");
                MiniMedia.write(labels.resolve("labels.json"), "{\"Pushing something from left to right\":\"0\","
                        + "\"Pushing something from right to left\":\"1\"}");
                MiniMedia.write(labels.resolve("train.json"), "[\n" + String.join(",\n", entries) + "\n]\n");
                MiniMedia.write(labels.resolve("validation.json"), "[{\"id\":\"20\",\"template\":\"" + templates[0]
                        + "\"}]");
                return config("root", root.resolve("20bn-something-something-v2"), "annotations", labels);
            }
        };

        final String plugin;
        final int trainItems;
        final int rejectedTrainEntries;

        Layout(String plugin, int trainItems, int rejectedTrainEntries) {
            this.plugin = plugin;
            this.trainItems = trainItems;
            this.rejectedTrainEntries = rejectedTrainEntries;
        }

        /** Writes the miniature tree under {@code root} and returns the {@code dataset:} section that reads it. */
        abstract Map<String, Object> write(Path root) throws IOException;

        /** The plugin's keys plus tiny clips: 4 frames of 16×16. */
        static Map<String, Object> config(Object... pairs) {
            Map<String, Object> values = new HashMap<>(Map.of("frames", FRAMES, "size", SIZE));
            for (int i = 0; i < pairs.length; i += 2) {
                Object value = pairs[i + 1];
                values.put((String) pairs[i], value instanceof Path p ? p.toString() : value);
            }
            return values;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Layout.class)
    void oneTinyEpochSeesEveryTrainingItemWithAFiniteLoss(Layout layout, @TempDir Path root) throws IOException {
        Map<String, Object> values = layout.write(root);
        values.put("name", layout.plugin);
        try (Dataset opened = provider(layout.plugin).open(new PluginConfig("dataset", values))) {
            assertEquals(new InputSpec(3, FRAMES, SIZE, SIZE, 2), opened.inputSpec());
            assertEquals(layout.trainItems, opened.size(Split.TRAIN));
            assertTrue(opened.size(Split.VALIDATION) >= 1);
            List<BadItem> rejected = opened.rejected(Split.TRAIN);
            assertEquals(layout.rejectedTrainEntries, rejected.size(), "rejected: " + rejected);
            assertTrue(opened.manifestHash().matches("[0-9a-f]{16}"), opened.manifestHash());

            RecordingDataset dataset = new RecordingDataset(opened);
            // The run-level limit tolerates the rejected entries; any item unreadable at training time is counted too.
            BadItemLedger ledger = new BadItemLedger(dataset, 0.25, null);
            List<Double> losses = trainOneEpoch(dataset, ledger);
            assertEquals(rejected, ledger.items(Split.TRAIN), "no training item failed to decode");
            assertEquals(IntStream.range(0, layout.trainItems).boxed().collect(TreeSet::new, Set::add, Set::addAll),
                    new TreeSet<>(dataset.trained), "every training item reaches the network once");
            assertEquals(2, losses.size(), "4 items in batches of 2");
            for (double loss : losses) {
                assertTrue(Double.isFinite(loss) && loss > 0, "loss " + losses);
            }
        }
    }

    private static DatasetProvider provider(String name) {
        return ServiceLoader.load(DatasetProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no dataset provider named " + name));
    }

    /** One epoch of the fixed S+ST network of a small densenet3d; the loss of every batch. */
    private static List<Double> trainOneEpoch(Dataset data, BadItemLedger ledger) {
        var backbone = named(BackboneProvider.class, "densenet3d").create(new PluginConfig("backbone", Map.of(
                "initFeatures", 4, "growth", 4, "bnSize", 2, "blocks", List.of(1, 1), "stemTemporalKernel", 1,
                "stemPoolTemporalKernel", 1)), data.inputSpec());
        var net = new TemplateNetwork(backbone, data.inputSpec(), List.of(
                named(FusionUnitProvider.class, "spatial").create(PluginConfig.empty("s")),
                named(FusionUnitProvider.class, "temporal").create(PluginConfig.empty("t"))),
                VdpSettings.defaults(data.size(Split.TRAIN)), DataType.FLOAT, 5);
        BitSet bothPaths = new BitSet();
        bothPaths.set(0, 2);
        BuiltGraph graph = net.fixedGraph(BnMode.BATCH, bothPaths);
        SgdMomentum sgd = new SgdMomentum(0.9);
        List<Double> losses = new ArrayList<>();
        int[] order = {2, 0, 3, 1};
        try (ClipBatches loader = new ClipBatches(data, DataType.FLOAT, 2, 1, ledger)) {
            var batches = loader.iterate(Split.TRAIN, order, 2, 0);
            while (batches.hasNext()) {
                ClipBatches.Batch b = batches.next();
                var step = net.trainStep(graph, b.clips(), b.oneHot(), Map.of());
                sgd.step(net.store().trainable(), step.gradients(), 0.05, 5e-4);
                losses.add(step.loss());
            }
        }
        return losses;
    }

    private static <P extends NamedProvider> P named(Class<P> type, String name) {
        return ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    /** Passes every call through and remembers which training items were read. */
    private static final class RecordingDataset extends ForwardingDataset {
        private final Set<Integer> trained = ConcurrentHashMap.newKeySet();

        RecordingDataset(Dataset inner) {
            super(inner);
        }

        @Override
        public Clip clip(Split split, int index, long seed) {
            Clip clip = inner.clip(split, index, seed);
            if (split == Split.TRAIN && !trained.add(index)) {
                throw new AssertionError("training item " + index + " read twice in one epoch");
            }
            return clip;
        }
    }
}
