package org.stfusion.core.export;

import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.FusionPath;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.core.engine.PositionInfo;
import org.stfusion.core.network.StandaloneNetwork;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.predict.ClipClassifier;
import org.stfusion.core.run.UserException;
import org.stfusion.core.sample.StrategySampler;
import org.stfusion.core.session.RunSession;
import org.stfusion.core.strategy.RunStrategies;

/**
 * A trained run's networks taken out of it: as model files, as classifiers of clips, and as the logits the run's
 * scoring gives a strategy, which the other two must reproduce.
 */
public final class ModelExports {
    private final RunSession session;
    private final RunStrategies strategies;

    public ModelExports(RunSession session, RunStrategies strategies) {
        this.session = session;
        this.strategies = strategies;
    }

    /**
     * Writes the trained template ({@code strategy} null: every path, its drop-rate logits θ and the template's
     * BN statistics) or the standalone network of {@code strategy} (its kept paths, the template's weights, BN
     * statistics as the run's strategies were scored) as safetensors with a JSON sidecar; see {@link ModelFile}.
     */
    public ModelFile.Written write(StrategyDescriptor strategy, Path out) {
        TemplateNetwork net = session.trainedNetwork();
        if (strategy == null) {
            return ModelFile.write(out, modelInfo(), net.store(), positionNames(net.positions()), null,
                    "the template's own (every path open)");
        }
        StandaloneNetwork network = strategies.inherited(strategy);
        return ModelFile.write(out, modelInfo(), network.store(), positionNames(network.evaluation().positions()),
                strategy, ScoringProtocol.of(session.scoredRecalibrationBatches()).describe());
    }

    /** Where {@link #write} writes unless the user names a file: {@code model-<id>.safetensors}, or {@code model-template}. */
    public Path defaultFile(StrategyDescriptor strategy) {
        String id = strategy == null ? "template" : strategy.id();
        return session.runDir().root().resolve("model-" + id.replaceAll("[^A-Za-z0-9._-]", "_") + ".safetensors");
    }

    /** The clip shape and classes of this run's networks. */
    public InputSpec inputSpec() {
        return session.dataset().inputSpec();
    }

    /** The standalone network of {@code strategy} with inherited weights, as a classifier of clips. */
    public ClipClassifier classifier(StrategyDescriptor strategy) {
        Dataset dataset = session.dataset();
        return ClipClassifier.of(strategies.inherited(strategy), dataset.inputSpec(), dataset.classNames(),
                "strategy " + strategy.id() + " of " + session.runDir().root(),
                session.config().sampling().evalBatchSize());
    }

    /**
     * The logits the run's scoring gives {@code strategy} on {@code clips} [N, C, T, H, W]: the template under the
     * strategy's hard masks (every classifier feature kept), batch-norm statistics as the run scored its strategies.
     * What {@link #classifier} and {@link #write} must reproduce.
     */
    public INDArray scoredLogits(StrategyDescriptor strategy, INDArray clips) {
        TemplateNetwork net = session.trainedNetwork();
        if (!strategies.materializer().positions().equals(strategy.positions())) {
            throw new UserException("strategy " + strategy.id() + " is not one of this run's network");
        }
        return strategies.scoring().logits(StrategySampler.pathKeep(net, strategy), StrategySampler.allFeatures(net),
                clips);
    }

    private ModelInfo modelInfo() {
        Dataset dataset = session.dataset();
        return new ModelInfo(session.config().tree(), session.backboneRef(), session.backbone().settings(),
                session.fusionUnits(), session.paths().stream().map(FusionPath::unitName).toList(),
                session.datasetRef(), dataset.size(Split.TRAIN), dataset.inputSpec(),
                dataset.inputSpec(Split.VALIDATION), dataset.classNames());
    }

    private static List<String> positionNames(List<PositionInfo> positions) {
        return positions.stream().map(PositionInfo::name).toList();
    }
}
