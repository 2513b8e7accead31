package org.stfusion.backbones;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.export.SafeTensors;
import org.stfusion.core.inflate.ImageNetInflation;
import org.stfusion.core.inflate.InflationPlan;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.testkit.InflationKit;

/**
 * {@code backbone.inflate} with the built-in backbones: the full presets take torchvision's own state_dicts key for
 * key and shape for shape; an inflated DenseNet shown a "boring video" (every frame the same) computes the 2D
 * network's features on that frame; a file reads back into exactly the arrays the inflation rule gives; and every
 * mismatch between file and network is one line naming the key.
 *
 * <p>The torchvision fixtures under {@code src/test/resources/torchvision} were made with torchvision 0.14
 * ({@code keys.py}: the key and shape lists of densenet121, resnet50, resnext50_32x4d and mobilenet_v2;
 * {@code fixture.py}: a tiny torchvision DenseNet with random weights and statistics, and its features on a frame).
 */
class InflationTest {
    private static final double TIGHT = 1e-9;

    @TempDir
    Path tmp;

    static List<FusionPath> paths() {
        return BackboneConformanceTest.paths();
    }

    static Stream<Arguments> fullPresets() {
        return Stream.of(Arguments.of(new DenseNet3dProvider(), "densenet121", "densenet121.keys"),
                Arguments.of(new ResNet3dProvider(), "resnet50", "resnet50.keys"),
                Arguments.of(new ResNeXt3dProvider(), "resnext50", "resnext50_32x4d.keys"),
                Arguments.of(new MobileNet3dProvider(), "mobilenetv2", "mobilenet_v2.keys"));
    }

    /**
     * The paper-size presets take every key of torchvision's state_dict (classifier and batch-norm counters aside) with
     * its exact shape, and cover every array of the template but the classifier.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("fullPresets")
    void fullPresetsTakeEveryKeyOfTorchvisionsStateDict(BackboneProvider provider, String preset, String keys) {
        var planned = InflationKit.plan(provider, Map.of("preset", preset), new InputSpec(3, 8, 64, 64, 5), paths());
        Map<String, long[]> shapes = torchvisionShapes(keys);
        InflationPlan.Checked checked = planned.plan().check(keys, shapes, false);
        assertTrue(checked.missing().isEmpty());
        Set<String> covered = new HashSet<>();
        checked.present().forEach(t -> covered.add(t.array()));
        List<String> notCovered = new ArrayList<>();
        planned.store().trainable().keySet().stream().filter(n -> !covered.contains(n) && !n.endsWith(".theta"))
                .forEach(notCovered::add);
        planned.store().state().keySet().stream().filter(n -> !covered.contains(n)).forEach(notCovered::add);
        assertEquals(List.of("head.fc.weight", "head.fc.bias"), notCovered);
        assertTrue(planned.plan().source().startsWith("torchvision's "), planned.plan().source());
    }

    /** DenseNet settings of the torchvision fixture (fixture.py). */
    private static final Map<String, Object> FIXTURE = Map.of("initFeatures", 8, "growth", 4, "bnSize", 2,
            "blocks", List.of(2, 2), "stemTemporalKernel", 5, "stemPoolTemporalKernel", 3);
    /** Clip length of the boring videos: frame 9 is out of reach of the zero padding at both ends (see below). */
    private static final int FRAMES = 19;
    private static final int MIDDLE = 9;

    /**
     * The "boring video" property, as the paper's inflation (spec §3.4) intends it: a clip whose frames are all the
     * same 2D image makes the inflated network compute the 2D network's features on that image.
     *
     * <p>What the property is, exactly. A kT-tap kernel holding the 2D kernel / kT on each tap sums to the 2D
     * kernel over identical frames, so the stem (5x7x7) and every T path (3x1x1) compute the 2D conv; the S path
     * (1x1x1) and the 1x3x3 convs are 2D per frame already. But the template sums its S and T paths (paper Fig. 3,
     * spec §3.2: {@code y = S-path + T-path}, then BN - ReLU - 1x3x3), and with both copying the same 2D 1x1 conv,
     * S+ST gives twice the 2D conv's output to a batch norm that was fitted to once: the template with every path is
     * not the 2D network (checked below: it differs). The property holds for each strategy with one path per
     * position: all-S and all-ST each reproduce the 2D network (torchvision's {@code relu(features(frame))}).
     *
     * <p>Where it holds. The 3D convs pad time with zeros, so near the clip's ends a tap reads a zero frame: the stem
     * (5 taps) disturbs 2 frames at each end, its max-pool (3 in time) one more, and each T path another (5 positions
     * on the way here: 2 dense layers, a transition, 2 dense layers), 8 frames at each end in all. Frame 9 of 19 is
     * the one frame all-ST leaves untouched, so the comparison reads that frame's feature map (every channel and
     * pixel, through {@link FrameProbe}).
     *
     * <p>Tolerance: in double precision the 3D network and ND4J's 2D operations agree to 1e-9 (the measured maximum
     * absolute difference is printed; it is about 1e-15); both agree with what torchvision itself computed in float32
     * ({@code fixture.py}) to 2e-5, float32's rounding.
     */
    @Test
    void boringVideoGivesTheTwoDimensionalNetworksFeatures() {
        Map<String, INDArray> torch = torchTensors("densenet-tiny.safetensors", DataType.DOUBLE);
        Map<String, INDArray> expected = torchTensors("densenet-tiny-features.safetensors", DataType.DOUBLE);
        INDArray frame = expected.get("frame").reshape(1, 3, 32, 32);
        INDArray torchFeatures = expected.get("features").reshape(1, -1); // [16, 4, 4] as torchvision computed it
        INDArray nd4jFeatures = new DenseNet2d(torch).features(frame, List.of(2, 2)).reshape(1, -1);
        double referenceGap = maxAbs(nd4jFeatures, torchFeatures);
        System.out.printf("boring video: ND4J's 2D DenseNet vs torchvision's (float32): max |diff| %.3g%n", referenceGap);
        assertTrue(referenceGap < 2e-5, "the ND4J reference is torchvision's DenseNet: " + referenceGap);

        FrameProbe probe = probe(DataType.DOUBLE);
        TemplateNetwork net = inflatedTemplate(probe, DataType.DOUBLE);
        INDArray clip = boringClip(frame, FRAMES);
        for (List<String> units : List.of(List.of("S"), List.of("ST"))) {
            INDArray features = frameFeatures(net, clip, units);
            double vsNd4j = maxAbs(features, nd4jFeatures);
            double vsTorch = maxAbs(features, torchFeatures);
            System.out.printf("boring video, all-%s (double): max |diff| %.3g to ND4J's 2D network, %.3g to torchvision's%n",
                    String.join("+", units), vsNd4j, vsTorch);
            assertTrue(vsNd4j < TIGHT, "all-" + units + " on a boring video is the 2D network: max |diff| " + vsNd4j);
            assertTrue(vsTorch < 2e-5, "all-" + units + " vs torchvision: " + vsTorch);
        }
        double both = maxAbs(frameFeatures(net, clip, List.of("S", "ST")), nd4jFeatures);
        System.out.printf("boring video, S+ST (double): max |diff| %.3g (both paths copy the 2D conv: not the 2D network)%n",
                both);
        assertTrue(both > 1e-2, "S+ST doubles the fused conv's output; it cannot equal the 2D network: " + both);
    }

    /** The same in float32, the precision runs train in: all-S and all-ST match torchvision to float rounding. */
    @Test
    void boringVideoInFloat() {
        Map<String, INDArray> expected = torchTensors("densenet-tiny-features.safetensors", DataType.FLOAT);
        INDArray frame = expected.get("frame").reshape(1, 3, 32, 32);
        INDArray torchFeatures = expected.get("features").reshape(1, -1);
        TemplateNetwork net = inflatedTemplate(probe(DataType.FLOAT), DataType.FLOAT);
        INDArray clip = boringClip(frame, FRAMES);
        for (List<String> units : List.of(List.of("S"), List.of("ST"))) {
            double gap = maxAbs(frameFeatures(net, clip, units), torchFeatures);
            System.out.printf("boring video, all-%s (float): max |diff| %.3g to torchvision's%n", units.get(0), gap);
            assertTrue(gap < 1e-4, "all-" + units + " in float vs torchvision: " + gap);
        }
    }

    /**
     * ResNet and MobileNetV2 (no 2D reference here): inflated from one random 2D file, every one-path strategy and
     * every stem length shows the same features on a boring video's middle frame, which only holds if every kernel
     * sums over its taps to the same 2D kernel (their stems are 5 frames or 1; their T paths 3 taps). ResNet's strided
     * shortcuts average where torchvision's subsample (see {@code ResNet3d}); that is the same in every strategy, so
     * it is not what this checks. 15 frames leave frame 7 out of reach of the zero padding (stem 2, then 4 fusion
     * positions in either network).
     */
    @Test
    void resnetAndMobilenetSeeTheSameFrameThroughEveryOnePathStrategy() {
        checkStrategiesAgree(new ResNet3dProvider(), Map.of("preset", "tiny", "blocks", List.of(2, 1, 1)), 15, 7);
        checkStrategiesAgree(new MobileNet3dProvider(), Map.of("preset", "tiny"), 15, 7);
    }

    private void checkStrategiesAgree(BackboneProvider provider, Map<String, Object> settings, int frames, int middle) {
        InputSpec shapeOnly = new InputSpec(3, frames, 16, 16, 2);
        var planned = InflationKit.plan(provider, settings, shapeOnly, paths());
        Path file = tmp.resolve(provider.name() + ".safetensors");
        InflationKit.writeRandomStateDict(file, planned, 5);
        INDArray frame = Nd4j.rand(DataType.DOUBLE, 1, 3, 16, 16).subi(0.5);
        INDArray clip = boringClip(frame, frames);
        INDArray reference = null;
        for (int stem : List.of(1, 5)) {
            Map<String, Object> s = new LinkedHashMap<>(settings);
            s.put("stemTemporalKernel", stem);
            Backbone backbone = provider.create(new PluginConfig("backbone", s), shapeOnly);
            InputSpec input = new InputSpec(3, frames, 16, 16, FrameProbe.classes(backbone, shapeOnly, paths()));
            FrameProbe probe = new FrameProbe(provider.create(new PluginConfig("backbone", s), input), middle);
            TemplateNetwork net = new TemplateNetwork(probe, input, paths(), VdpSettings.defaults(1), DataType.DOUBLE, 3);
            inflate(net, probe, file, false);
            probe.select(net.store());
            for (List<String> units : List.of(List.of("S"), List.of("ST"))) {
                INDArray features = frameFeatures(net, clip, units);
                if (reference == null) {
                    reference = features;
                    assertTrue(maxAbs(features, features.mul(0)) > 1e-3, "features are not all zero");
                    continue;
                }
                double gap = maxAbs(features, reference);
                System.out.printf("%s boring video, stem %d, all-%s: max |diff| %.3g to all-S with a 1-frame stem%n",
                        provider.name(), stem, units.get(0), gap);
                assertTrue(gap < TIGHT, provider.name() + " stem " + stem + " all-" + units + ": " + gap);
            }
            assertTrue(backbone.inflation().isPresent());
        }
    }

    /** A file written by the test reads back into exactly the arrays the inflation rule makes, in F32, F16 and BF16. */
    @Test
    void roundTripThroughASafetensorsFileTheTestWrites() throws IOException {
        InputSpec input = new InputSpec(3, 6, 32, 32, 3);
        var planned = InflationKit.plan(new DenseNet3dProvider(), FIXTURE, input, paths());
        Map<String, SafeTensors.Tensor> written = InflationKit.randomStateDict(planned.plan(),
                List.of("classifier.weight", "classifier.bias"), 11);
        for (SafeTensors.DType dtype : List.of(SafeTensors.DType.F32, SafeTensors.DType.F16, SafeTensors.DType.BF16)) {
            Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
            written.forEach((k, t) -> tensors.put(k, t.dtype() == SafeTensors.DType.F32 ? convert(t, dtype) : t));
            Path file = tmp.resolve("round-trip-" + dtype + ".safetensors");
            SafeTensors.write(file, Map.of(), tensors);
            assertEquals(tensors, SafeTensors.read(file).tensors(), "safetensors round trip in " + dtype);

            ImageNetInflation inflated = ImageNetInflation.read(file, false, planned.plan(), DataType.DOUBLE);
            int conv = 0;
            for (InflationPlan.Target t : planned.plan().targets()) {
                double[] torch = tensors.get(t.key()).toDoubles();
                INDArray ours = inflated.values().get(t.array());
                assertArrayEquals(t.shape(), ours.shape(), t.array());
                if (t.kind() == InflationPlan.Kind.VECTOR) {
                    assertArrayEquals(torch, ours.reshape(-1).toDoubleVector(), 0, t.array());
                    continue;
                }
                conv++;
                long[] s = t.shape(); // [kT, kH, kW, in, out]; the file's is [out, in, kH, kW]
                for (int tap = 0; tap < s[0]; tap++) {
                    for (int h = 0; h < s[1]; h++) {
                        for (int w = 0; w < s[2]; w++) {
                            for (int i = 0; i < s[3]; i++) {
                                for (int o = 0; o < s[4]; o++) {
                                    double v = torch[(int) (((o * s[3] + i) * s[1] + h) * s[2] + w)];
                                    assertEquals(v / s[0], ours.getDouble(tap, h, w, i, o), 1e-15, t.array());
                                }
                            }
                        }
                    }
                }
            }
            assertEquals(1 + 5 * 2 + 4, conv, "stem, S and T path of 5 positions, 4 dense layers' 1x3x3");
            TemplateNetwork net = new TemplateNetwork(new DenseNet3dProvider().create(new PluginConfig("backbone", FIXTURE),
                    input), input, paths(), VdpSettings.defaults(1), DataType.FLOAT, 1);
            assertEquals(inflated.values().size(), inflated.applyTo(net.store()));
            inflated.values().forEach((name, v) -> {
                INDArray a = net.store().trainable().containsKey(name) ? net.store().trainable().get(name)
                        : net.store().state().get(name);
                assertEquals(v.castTo(DataType.FLOAT), a, name);
            });
            assertEquals(List.of("head.fc.weight", "head.fc.bias"), inflated.leftAtInitialisation(net.store()));
            assertEquals(64, inflated.sha256().length());
        }
    }

    /** Missing, unused and misshapen keys: one line each, naming the file and the key. */
    @Test
    void everyMismatchIsOneLineNamingTheKey() {
        InputSpec input = new InputSpec(3, 6, 32, 32, 3);
        var planned = InflationKit.plan(new DenseNet3dProvider(), FIXTURE, input, paths());
        Map<String, SafeTensors.Tensor> good = InflationKit.randomStateDict(planned.plan(),
                List.of("classifier.weight", "classifier.bias"), 3);

        String missingKey = "features.denseblock2.denselayer1.conv1.weight";
        Map<String, SafeTensors.Tensor> missing = new LinkedHashMap<>(good);
        missing.remove(missingKey);
        String message = refused(planned.plan(), write("missing", missing));
        assertTrue(message.startsWith("backbone.inflate: " + tmp.resolve("missing.safetensors") + ": no tensor '"
                + missingKey + "' (for densenet3d's B2.L1.S.conv)"), message);
        assertTrue(message.contains("backbone.inflatePartial: true"), message);

        Map<String, SafeTensors.Tensor> unused = new LinkedHashMap<>(good);
        unused.put("features.denseblock3.denselayer1.conv1.weight", SafeTensors.Tensor.ofFloats(new long[] {2}, new float[2]));
        message = refused(planned.plan(), write("unused", unused));
        assertTrue(message.contains(": tensor 'features.denseblock3.denselayer1.conv1.weight' is not used by densenet3d;"),
                message);

        Map<String, SafeTensors.Tensor> misshapen = new LinkedHashMap<>(good);
        misshapen.put("features.conv0.weight", SafeTensors.Tensor.ofFloats(new long[] {8, 3, 3, 3}, new float[8 * 27]));
        message = refused(planned.plan(), write("misshapen", misshapen));
        assertTrue(message.contains(": tensor 'features.conv0.weight' has shape [8, 3, 3, 3], densenet3d's stem.conv needs "
                + "[8, 3, 7, 7]"), message);

        // torchvision's old checkpoint names ("norm.1") are named as unused beside the missing ones
        Map<String, SafeTensors.Tensor> old = new LinkedHashMap<>();
        good.forEach((k, v) -> old.put(k.replace(".norm1.", ".norm.1."), v));
        message = refused(planned.plan(), write("old", old));
        assertTrue(message.contains("no tensor 'features.denseblock1.denselayer1.norm1.weight'")
                && message.contains("the network does not use, e.g. 'features.denseblock1.denselayer1.norm.1."), message);

        Map<String, SafeTensors.Tensor> integers = new LinkedHashMap<>(good);
        integers.put("features.norm0.bias", SafeTensors.Tensor.ofLongs(new long[] {8}, new long[8]));
        message = refused(planned.plan(), write("integers", integers));
        assertTrue(message.contains("tensor 'features.norm0.bias' holds integers (I64)"), message);

        Path nowhere = tmp.resolve("nowhere.safetensors");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ImageNetInflation.read(nowhere, false, planned.plan(), DataType.FLOAT));
        assertEquals("backbone.inflate", e.key());
        assertTrue(e.getMessage().contains("no such file: " + nowhere), e.getMessage());
    }

    /** backbone.inflatePartial: missing tensors leave their arrays at random, and the run lists them. */
    @Test
    void aPartialLoadListsWhatIsLeftAtRandom() {
        InputSpec input = new InputSpec(3, 6, 32, 32, 3);
        var planned = InflationKit.plan(new DenseNet3dProvider(), FIXTURE, input, paths());
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>(InflationKit.randomStateDict(planned.plan(),
                List.of("classifier.weight", "classifier.bias"), 3));
        tensors.remove("features.transition1.norm.weight");
        tensors.remove("features.norm5.running_var");
        Path file = write("partial", tensors);
        ImageNetInflation inflated = ImageNetInflation.read(file, true, planned.plan(), DataType.FLOAT);
        assertEquals(List.of("features.transition1.norm.weight", "features.norm5.running_var"), inflated.missingKeys());
        List<String> left = inflated.leftAtInitialisation(planned.store());
        assertEquals(List.of("T1.S.bn.gamma", "T1.ST.bn.gamma", "head.fc.weight", "head.fc.bias"), left);
        Map<String, Object> record = inflated.record(planned.store());
        assertEquals("inflated", record.get("mode"));
        assertEquals(left, record.get("leftAtInitialisation"));
        assertEquals(inflated.missingKeys(), record.get("missingKeys"));
        assertTrue(!inflated.values().containsKey("head.bn.runningVar") && inflated.values().containsKey("head.bn.runningMean"));
    }

    // ---- helpers ----

    private Path write(String name, Map<String, SafeTensors.Tensor> tensors) {
        Path file = tmp.resolve(name + ".safetensors");
        SafeTensors.write(file, Map.of(), tensors);
        return file;
    }

    private static String refused(InflationPlan plan, Path file) {
        ConfigException e = assertThrows(ConfigException.class, () -> ImageNetInflation.read(file, false, plan, DataType.FLOAT));
        assertEquals("backbone.inflate", e.key());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** The fixture's DenseNet behind a probe of its middle frame; its last feature map is 16 x 4 x 4. */
    private static FrameProbe probe(DataType dataType) {
        InputSpec input = new InputSpec(3, FRAMES, 32, 32, FrameProbe.classes(16, 4, 4));
        return new FrameProbe(new DenseNet3dProvider().create(new PluginConfig("backbone", FIXTURE), input), MIDDLE);
    }

    private TemplateNetwork inflatedTemplate(FrameProbe probe, DataType dataType) {
        InputSpec input = new InputSpec(3, FRAMES, 32, 32, FrameProbe.classes(16, 4, 4));
        TemplateNetwork net = new TemplateNetwork(probe, input, paths(), VdpSettings.defaults(1), dataType, 7);
        ImageNetInflation inflated = inflate(net, probe, resource("densenet-tiny.safetensors"), false);
        assertEquals(List.of(FrameProbe.SELECT + ".weight", "head.fc.weight", "head.fc.bias"),
                inflated.leftAtInitialisation(net.store()));
        probe.select(net.store());
        return net;
    }

    private static ImageNetInflation inflate(TemplateNetwork net, Backbone backbone, Path file, boolean partial) {
        InflationPlan plan = InflationPlan.of("backbone", backbone.inflation().orElseThrow(), net.template().graph(), net.store(),
                paths().stream().map(FusionPath::unitName).toList());
        ImageNetInflation inflated = ImageNetInflation.read(file, partial, plan, net.store().dataType());
        inflated.applyTo(net.store());
        return inflated;
    }

    /** The probe's logits under the strategy that keeps {@code units}' paths everywhere: the middle frame's features. */
    private static INDArray frameFeatures(TemplateNetwork net, INDArray clip, List<String> units) {
        boolean[] keep = new boolean[net.gates().size()];
        for (GateInfo g : net.gates()) {
            keep[g.index()] = units.contains(g.unitName());
        }
        boolean[] features = new boolean[net.template().classifierFeatures()];
        java.util.Arrays.fill(features, true);
        return net.logits(net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), clip.castTo(net.store().dataType()),
                net.hardMasks(keep, features)).castTo(DataType.DOUBLE);
    }

    /** {@code frames} copies of {@code frame} [1, C, H, W] as a clip [1, C, T, H, W]. */
    private static INDArray boringClip(INDArray frame, int frames) {
        long[] s = frame.shape();
        INDArray clip = Nd4j.create(frame.dataType(), 1, s[1], frames, s[2], s[3]);
        for (int t = 0; t < frames; t++) {
            clip.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(frame.reshape(s[1], s[2], s[3]));
        }
        return clip;
    }

    private static double maxAbs(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    private static Path resource(String name) {
        try {
            return Path.of(InflationTest.class.getResource("/torchvision/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, INDArray> torchTensors(String name, DataType dataType) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        SafeTensors.read(resource(name)).tensors().forEach((k, t) -> {
            if (t.floating()) {
                out.put(k, Nd4j.create(t.toDoubles(), t.shape().length == 0 ? new long[] {1} : t.shape(), 'c').castTo(dataType));
            }
        });
        return out;
    }

    private static Map<String, long[]> torchvisionShapes(String keys) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(resource(keys))) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t", -1);
                long[] shape = parts[1].isEmpty() ? new long[0]
                        : Stream.of(parts[1].split(",")).mapToLong(Long::parseLong).toArray();
                shapes.put(parts[0], shape);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return shapes;
    }

    /** An F32 tensor as F16 or BF16 (its values are exact in both: see {@link #exactInHalf}) or as it is. */
    private static SafeTensors.Tensor convert(SafeTensors.Tensor t, SafeTensors.DType dtype) {
        double[] v = t.toDoubles();
        if (dtype == SafeTensors.DType.F32) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) exactInHalf(v[i]);
            }
            return SafeTensors.Tensor.ofFloats(t.shape(), f);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            float f = (float) exactInHalf(x);
            b.putShort(dtype == SafeTensors.DType.BF16 ? (short) (Float.floatToIntBits(f) >>> 16) : toHalf(f));
        }
        return new SafeTensors.Tensor(dtype, t.shape(), b.array());
    }

    /** {@code x} rounded to a multiple of 1/64 in [-4, 4]: 8 significant bits at most, exact in F16 and BF16. */
    private static double exactInHalf(double x) {
        return Math.max(-4, Math.min(4, Math.round(x * 64) / 64.0));
    }

    /** binary16 bits of a float that is exact in it (a normal number or zero). */
    private static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        if ((bits & 0x7fffffff) == 0) {
            return (short) sign;
        }
        int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
        int fraction = (bits >>> 13) & 0x3ff;
        return (short) (sign | (exponent << 10) | fraction);
    }
}
