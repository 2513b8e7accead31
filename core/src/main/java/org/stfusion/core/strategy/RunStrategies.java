package org.stfusion.core.strategy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.StrategyResult;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.run.UserException;
import org.stfusion.core.sample.Scores;
import org.stfusion.core.sample.StrategySampler;
import org.stfusion.core.session.RunSession;

/**
 * The strategies of one trained run as descriptors and as standalone networks that inherit the template's
 * weights, with batch-norm statistics as the run scored its strategies, so that each scores as it did in the run.
 */
public final class RunStrategies {
    private final RunSession session;

    public RunStrategies(RunSession session) {
        this.session = session;
    }

    /**
     * A scored strategy of this run as a descriptor: {@code best}, a named one ({@code S}, {@code ST},
     * {@code S+ST}) or a sampled id such as {@code s007}.
     */
    public StrategyDescriptor descriptor(String id) {
        TemplateNetwork net = session.trainedNetwork();
        Scores scores = session.scores();
        StrategyResult found = id.equals("best") ? scores.best()
                : scores.named().containsKey(id) ? scores.named().get(id)
                : scores.strategies().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
        if (found == null) {
            throw new UserException("no strategy '" + id + "' in " + session.runDir().root() + "; use best, "
                    + String.join(", ", scores.named().keySet()) + " or a sampled id (" + scores.strategies().size()
                    + " sampled, e.g. s001)");
        }
        Map<String, Map<String, List<Integer>>> sources = Map.of();
        if (net.vdp().perSource() && found.seed() != null) {
            // Units name the kept paths only; the sources each path keeps are redrawn from the strategy's seed.
            boolean[] keep = new StrategySampler(net, session.config().sampling()).draw(found.id(), found.seed()).pathKeep();
            sources = StrategySampler.keptSources(net, keep);
        }
        return materializer().descriptor(found.id(), found.units(), found.seed(), sources);
    }

    /**
     * The standalone network of {@code strategy} (only the kept paths' weights exist), with the template's
     * trained weights and BN statistics copied in ({@code copyWeights}; statistics recalibrated as the run's
     * strategies were scored) or freshly initialised, scored on the validation split and, with {@code out},
     * saved as a network file.
     */
    public Materializer.Materialized materialize(StrategyDescriptor strategy, boolean copyWeights, Path out) {
        session.trainedNetwork();
        return materializer().materialize(strategy, copyWeights, out, standaloneSeed(), scoring(),
                session.provenance());
    }

    /** Where a materialised network of {@code strategy} goes unless the user names a file. */
    public Path networkFile(StrategyDescriptor strategy) {
        return session.runDir().network(strategy.id());
    }

    /** The standalone network of {@code strategy} with the template's trained weights and the scored statistics. */
    public StandaloneNetwork inherited(StrategyDescriptor strategy) {
        session.trainedNetwork();
        return materializer().inherited(strategy, standaloneSeed(), scoring());
    }

    /** The scorer under the protocol the run scored its strategies with (BN statistics recalibrated or the template's). */
    public Scorer scoring() {
        return session.scorer().recalibrating(session.scoredRecalibrationBatches());
    }

    /** Strategies of the template as networks; the template is built, not necessarily trained. */
    public Materializer materializer() {
        return new Materializer(session.backbone(), session.backboneRef(), session.dataset().inputSpec(),
                session.paths(), session.network());
    }

    /** Standalone networks draw what they do not inherit from this seed. */
    private long standaloneSeed() {
        return session.config().seed() + 1000;
    }
}
