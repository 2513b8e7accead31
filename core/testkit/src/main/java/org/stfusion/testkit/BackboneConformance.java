package org.stfusion.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.FixedStrategy;
import org.stfusion.core.engine.GateInfo;
import org.stfusion.core.engine.GateInputs;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphRecorder;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.engine.VdpSettings;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.EngineEquivalence;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.train.SgdMomentum;

/**
 * The conformance kit for backbone plugins, in the spirit of Lucene's BasePostingsFormatTestCase: call
 * {@link #verify} from any test framework with your provider, a small configuration and a tiny input. It
 * checks what the method relies on and throws {@link AssertionError} naming the first property that fails:
 * <ol>
 *   <li>the logits have shape [batch, classes] for a tiny clip;</li>
 *   <li>the network declares fusion positions with unique names, each with one gate per fusion path;</li>
 *   <li>the training loss reaches every drop-rate logit θ (v-DropPath can learn), and a few training steps keep
 *       the loss, weights and BN statistics finite;</li>
 *   <li>the template with every gate open equals the fixed S+ST network on the same weights;</li>
 *   <li>a strategy materialises as a standalone network that reads back as the same strategy;</li>
 *   <li>the same seed gives the same weights and the same outputs;</li>
 *   <li>{@link ShapeRecordingNetworkBuilder} counts the parameters, MACs and positions the engine builds for
 *       every unit set;</li>
 *   <li>the planned engine computes what the SameDiff reference computes (in double precision): forward
 *       outputs, loss terms, every gradient including the drop-rate logits, running statistics, evaluation
 *       with dropped paths and recalibration statistics.</li>
 * </ol>
 */
public final class BackboneConformance {
    private BackboneConformance() {
    }

    /** What was checked, for the test's log. */
    public record Report(int positions, int gates, long parameters, long macsPerClip) {
    }

    public static Report verify(BackboneProvider provider, Map<String, Object> settings, InputSpec input,
                                List<FusionPath> paths) {
        String who = "backbone '" + provider.name() + "'";
        TemplateNetwork net = template(provider, settings, input, paths, 3);
        int batch = 2;
        INDArray x = clips(batch, input, 1);
        INDArray y = oneHot(batch, input.classes());

        // 1. Shape.
        INDArray logits = net.logits(net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), x,
                allOpen(net));
        check(Arrays.equals(logits.shape(), new long[] {batch, input.classes()}),
                who + ": logits have shape " + Arrays.toString(logits.shape()) + ", expected [" + batch + ", " + input.classes() + "]");

        // 2. Fusion positions and gates.
        List<PositionInfo> positions = net.positions();
        check(!positions.isEmpty(), who + " declares no fusion position: call NetworkBuilder.fusion(...) where S/T paths belong");
        check(new HashSet<>(positions.stream().map(PositionInfo::name).toList()).size() == positions.size(),
                who + ": fusion position names are not unique");
        check(net.gates().size() == positions.size() * paths.size(),
                who + ": " + net.gates().size() + " gates for " + positions.size() + " positions and " + paths.size() + " paths");

        // 3. Gradients reach every θ.
        Map<String, INDArray> noise = noise(net, batch);
        var step = net.template().executor().trainStep(x, y, noise);
        List<String> thetas = new ArrayList<>(net.gates().stream().map(GateInfo::thetaName).toList());
        thetas.add(net.template().classifierTheta());
        for (String theta : thetas) {
            INDArray g = step.gradients().get(theta);
            check(g != null && Math.abs(g.getDouble(0)) > 0, who + ": no gradient reaches " + theta);
        }

        var sgd = new SgdMomentum(0.9);
        for (int i = 0; i < 2; i++) {
            var s = net.template().executor().trainStep(clips(batch, input, 10 + i), y, noise(net, batch));
            check(Double.isFinite(s.loss()), who + ": training step " + (i + 1) + " gives loss " + s.loss());
            sgd.step(net.store().trainable(), s.gradients(), 0.05, 0);
        }
        for (var arrays : List.of(net.store().trainable(), net.store().state())) {
            arrays.forEach((name, a) -> check(Double.isFinite(a.sumNumber().doubleValue())
                    && Double.isFinite(a.amaxNumber().doubleValue()), who + ": " + name + " is not finite after training steps"));
        }

        // 4. All gates open == fixed S+ST network.
        BitSet all = new BitSet();
        all.set(0, paths.size());
        INDArray fixed = net.logits(net.fixedGraph(BnMode.RUNNING, all), x, Map.of());
        INDArray open = net.logits(net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), x, allOpen(net));
        double diff = Transforms.abs(fixed.sub(open)).maxNumber().doubleValue();
        check(diff <= 1e-4 * Math.max(1, fixed.norm1Number().doubleValue() / fixed.length()),
                who + ": the all-open template differs from the fixed S+ST network by " + diff);

        // 5. Strategy round trip through a standalone network.
        Random r = new Random(5);
        Map<String, BitSet> strategy = new HashMap<>();
        for (PositionInfo p : positions) {
            BitSet bits = new BitSet();
            bits.set(r.nextInt(paths.size()));
            if (r.nextBoolean()) {
                bits.set(0, paths.size());
            }
            strategy.put(p.name(), bits);
        }
        StandaloneNetwork standalone = new StandaloneNetwork(provider.create(new PluginConfig("backbone", settings), input),
                input, paths, strategy::get, DataType.FLOAT, 3);
        for (PositionInfo p : standalone.evaluation().positions()) {
            BitSet present = new BitSet();
            for (int i = 0; i < paths.size(); i++) {
                present.set(i, p.pathsPresent().get(i));
            }
            check(present.equals(strategy.get(p.name())), who + ": position " + p.name() + " materialised with paths "
                    + present + ", the strategy asked for " + strategy.get(p.name()));
        }

        // 6. Seeded determinism.
        TemplateNetwork fresh = template(provider, settings, input, paths, 3);
        net = template(provider, settings, input, paths, 3);
        TemplateNetwork again = fresh;
        for (var e : net.store().trainable().entrySet()) {
            check(e.getValue().equals(again.store().trainable().get(e.getKey())), who + ": " + e.getKey() + " differs between two builds");
        }
        INDArray first = again.logits(again.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), x, allOpen(again));
        INDArray second = again.logits(template(provider, settings, input, paths, 3)
                .graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING)), x, allOpen(again));
        check(first.equals(second), who + ": two networks built with the same seed give different outputs");

        // 7. The shape-recording builder agrees with the engine.
        for (int subset = 1; subset < (1 << paths.size()); subset++) {
            BitSet unit = BitSet.valueOf(new long[] {subset});
            var store = new ParameterStore(DataType.FLOAT, 1);
            NetworkGraph fixed7 = new GraphRecorder(store, GraphVariant.fixed(BnMode.RUNNING, FixedStrategy.of(p -> unit)),
                    paths, VdpSettings.defaults(1)).record(provider.create(new PluginConfig("backbone", settings), input),
                    input.clipShape(), input.classes());
            var recorded = ShapeRecordingNetworkBuilder.record(provider.create(new PluginConfig("backbone", settings), input),
                    input, paths, unit);
            check(recorded.parameters() == store.parameterCount() && recorded.macs() == fixed7.macs()
                            && recorded.positions().size() == fixed7.positions().size(),
                    who + ": with paths " + unit + " the engine builds " + store.parameterCount() + " parameters, "
                            + fixed7.macs() + " MACs, " + fixed7.positions().size() + " positions; the shape recorder counts "
                            + recorded.parameters() + ", " + recorded.macs() + ", " + recorded.positions().size());
        }
        // 8. Both engines agree.
        List<String> diffs = EngineEquivalence.compare(engine -> new TemplateNetwork(provider.create(
                new PluginConfig("backbone", settings), input), input, paths, VdpSettings.defaults(100), DataType.DOUBLE, 3,
                engine), Engine.SAMEDIFF, Engine.PLANNED, 2, 1e-8, 11);
        check(diffs.isEmpty(), who + ": the planned engine differs from the SameDiff reference: " + String.join("; ", diffs));
        return new Report(positions.size(), net.gates().size(), net.store().parameterCount(), net.template().macs());
    }

    private static TemplateNetwork template(BackboneProvider provider, Map<String, Object> settings, InputSpec input,
                                            List<FusionPath> paths, long seed) {
        return new TemplateNetwork(provider.create(new PluginConfig("backbone", settings), input), input, paths,
                VdpSettings.defaults(100), DataType.FLOAT, seed);
    }

    private static Map<String, INDArray> allOpen(TemplateNetwork net) {
        boolean[] gates = new boolean[net.gates().size()];
        Arrays.fill(gates, true);
        boolean[] features = new boolean[net.template().classifierFeatures()];
        Arrays.fill(features, true);
        return net.hardMasks(gates, features);
    }

    private static Map<String, INDArray> noise(TemplateNetwork net, int batch) {
        // Moderate fixed noise so that every gate is partly open and its gradient is not vanishingly small.
        return Map.of(GateInputs.PATH_NOISE, Nd4j.zeros(DataType.FLOAT, batch, net.gates().size()),
                GateInputs.FC_NOISE, Nd4j.zeros(DataType.FLOAT, batch, net.template().classifierFeatures()));
    }

    private static INDArray clips(int batch, InputSpec in, long seed) {
        return Nd4j.randn(seed, new long[] {batch, in.channels(), in.frames(), in.height(), in.width()}).castTo(DataType.FLOAT);
    }

    private static INDArray oneHot(int batch, int classes) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % classes, 1);
        }
        return y;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
