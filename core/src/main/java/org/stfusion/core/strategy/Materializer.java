package org.stfusion.core.strategy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.PluginRef;
import org.stfusion.api.model.Backbone;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.core.engine.FixedStrategy;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.UserException;
import org.stfusion.core.train.Checkpoint;

/**
 * Strategies as networks: a {@link StrategyDescriptor} becomes the standalone network that holds only the kept
 * paths (and, with drop rates per source, reads only the kept sources), and a built network reads back as a
 * descriptor. With the template's weights copied in, a standalone network scores exactly as the template did
 * with that strategy's masks.
 */
public final class Materializer {
    private final Backbone backbone;
    private final PluginRef backboneRef;
    private final InputSpec input;
    private final List<FusionPath> paths;
    private final TemplateNetwork template;

    public Materializer(Backbone backbone, PluginRef backboneRef, InputSpec input, List<FusionPath> paths,
                        TemplateNetwork template) {
        this.backbone = backbone;
        this.backboneRef = backboneRef;
        this.input = input;
        this.paths = List.copyOf(paths);
        this.template = template;
    }

    /** What a materialised strategy is: its descriptor read back from the network, its size and its score. */
    public record Materialized(StrategyDescriptor descriptor, long parameters, long macsPerClip, double top1, Double top5) {
    }

    /** The template's fusion positions, in network order. */
    public List<String> positions() {
        return template.positions().stream().map(PositionInfo::name).toList();
    }

    /** A descriptor of this backbone with {@code units} at the template's positions. */
    public StrategyDescriptor descriptor(String id, List<String> units, Long seed, Map<String, Map<String, List<Integer>>> sources) {
        return new StrategyDescriptor(id, backboneRef, positions(), units, seed, sources);
    }

    /** The standalone network of {@code strategy}, freshly initialised from {@code seed}. */
    public StandaloneNetwork build(StrategyDescriptor strategy, long seed) {
        if (!strategy.backbone().name().equals(backboneRef.name())) {
            throw new UserException("strategy " + strategy.id() + " is for backbone '" + strategy.backbone().name()
                    + "', this run uses '" + backboneRef.name() + "'");
        }
        List<String> positions = positions();
        if (!positions.equals(strategy.positions())) {
            throw new UserException("strategy " + strategy.id() + " names " + strategy.positions().size()
                    + " fusion positions that do not match this network's " + positions.size());
        }
        Map<String, BitSet> pathsAt = new HashMap<>();
        for (String position : positions) {
            String unit = strategy.unitAt(position);
            List<String> units = unit.equals(StrategyDescriptor.SKIP) ? List.of() : List.of(unit.split("\\+"));
            BitSet bits = new BitSet();
            for (int p = 0; p < paths.size(); p++) {
                bits.set(p, units.contains(paths.get(p).unitName()));
            }
            pathsAt.put(position, bits);
        }
        FixedStrategy fixed = new FixedStrategy() {
            @Override
            public BitSet paths(String position) {
                return pathsAt.get(position);
            }

            @Override
            public boolean layerKept(String position) {
                return !strategy.unitAt(position).equals(StrategyDescriptor.SKIP);
            }

            @Override
            public List<Integer> sources(String position, int path) {
                return strategy.sourcesOf(position, paths.get(path).unitName());
            }
        };
        return new StandaloneNetwork(backbone, input, paths, fixed, template.store().dataType(), seed, template.engine());
    }

    /** Copies the template's trained weights and BN running statistics into {@code network} (same names). */
    public void copyTemplateWeights(StandaloneNetwork network) {
        network.store().trainable().forEach((name, w) -> w.assign(template.store().trainable().get(name)));
        network.store().state().forEach((name, v) -> v.assign(template.store().state().get(name)));
    }

    /**
     * The standalone network of {@code strategy} with the template's weights, and batch-norm statistics recalibrated
     * as {@code scorer} recalibrates the template's strategies (the template's own when it does not).
     */
    public StandaloneNetwork inherited(StrategyDescriptor strategy, long seed, Scorer scorer) {
        StandaloneNetwork network = build(strategy, seed);
        copyTemplateWeights(network);
        scorer.recalibrate(network);
        return network;
    }

    /** Reads the strategy back from a built network: which paths (and sources) exist at each position. */
    public StrategyDescriptor describe(StandaloneNetwork network, StrategyDescriptor from) {
        List<String> units = new ArrayList<>();
        Map<String, Map<String, List<Integer>>> sources = new LinkedHashMap<>();
        for (PositionInfo pos : network.evaluation().positions()) {
            if (!pos.layerKept()) {
                units.add(StrategyDescriptor.SKIP);
                continue;
            }
            StringBuilder unit = new StringBuilder();
            for (int p = 0; p < paths.size(); p++) {
                if (pos.pathsPresent().get(p)) {
                    unit.append(unit.length() == 0 ? "" : "+").append(paths.get(p).unitName());
                    if (!pos.pathSources().get(p).isEmpty()) {
                        sources.computeIfAbsent(pos.name(), k -> new LinkedHashMap<>())
                                .put(paths.get(p).unitName(), pos.pathSources().get(p));
                    }
                }
            }
            units.add(unit.length() == 0 ? StrategyDescriptor.NONE : unit.toString());
        }
        return new StrategyDescriptor(from.id(), backboneRef,
                network.evaluation().positions().stream().map(PositionInfo::name).toList(), units, from.seed(), sources);
    }

    /**
     * Builds the standalone network of {@code strategy} with the template's weights ({@code copyWeights}) or
     * freshly initialised ones, scores it with {@code scorer} (inherited weights get batch-norm statistics
     * recalibrated as {@code scorer} does for the template's strategies) and, with {@code out}, saves it as a network file.
     */
    public Materialized materialize(StrategyDescriptor strategy, boolean copyWeights, Path out, long seed, Scorer scorer,
                                    Provenance provenance) {
        StandaloneNetwork network = copyWeights ? inherited(strategy, seed, scorer) : build(strategy, seed);
        Scorer.Score score = scorer.evaluate(network);
        StrategyDescriptor back = describe(network, strategy);
        if (out != null) {
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", "stfusion-network/2");
            manifest.put("plugins", RunDirectory.asJsonValue(provenance));
            manifest.put("strategy", RunDirectory.asJsonValue(back));
            manifest.put("weights", copyWeights ? "template" : "initialised");
            if (copyWeights) {
                manifest.put("bnStatistics", ScoringProtocol.of(scorer.recalibrationBatches()).describe());
            }
            manifest.put("parameters", network.parameterCount());
            manifest.put("macsPerClip", network.macsPerClip());
            manifest.put("top1", score.top1());
            Checkpoint.writeNetwork(out, manifest, network.store());
        }
        return new Materialized(back, network.parameterCount(), network.macsPerClip(), score.top1(), score.top5());
    }
}
