package org.stfusion.core.study;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.RetrainRequest;
import org.stfusion.core.execution.Retrained;
import org.stfusion.core.execution.TrainingBackend;
import org.stfusion.core.execution.TrainingRequest;
import org.stfusion.core.inflate.TemplateInflation;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.sample.StrategySampler;
import org.stfusion.core.sample.StrategyScoring;
import org.stfusion.core.session.RunSession;
import org.stfusion.core.strategy.RunStrategies;

/**
 * What builds on a trained run without changing it: the {@link Study} and single retrainings, wired to the run's
 * template, scorer, budget and start weights, and strategies transferred to another backbone.
 */
public final class RunStudy {
    private static final Logger LOG = LogManager.getLogger(RunStudy.class);

    private final RunSession session;
    private final RunStrategies strategies;
    private final TemplateInflation inflation;
    private final Consumer<RunEvent> events;

    public RunStudy(RunSession session, RunStrategies strategies, TemplateInflation inflation, Consumer<RunEvent> events) {
        this.session = session;
        this.strategies = strategies;
        this.inflation = inflation;
        this.events = events;
    }

    /**
     * The paper's Table 2 on this run's {@code results}: trains all-S, all-ST, all-S+ST and Opt (and
     * {@code study.rankCheck} sampled strategies) from the template's start with the same budget; {@code resume}
     * skips what a killed study had already trained. With an execution engine other than this process, every
     * training is a task of its own there, all at once; the template's scores are still computed here.
     */
    public StudyResults run(RunResults results, boolean resume) {
        return study(session.distributedTraining()).run(results, resume, LOG::warn);
    }

    /**
     * One training of a study whose trainings run in a cluster's tasks, as the task that got it does it: trained
     * here, exactly as {@link #run} would train it in this process; its submitter records it.
     */
    public TrainedStandalone trainForTask(TrainingRequest request) {
        return study(Optional.empty()).trainForTask(request);
    }

    /**
     * Trains {@code strategy} as a standalone network with the study's budget: from the template's start, or
     * fine-tuning the template's weights ({@code fineTune}). Writes {@link #retrainFile} into the run directory.
     */
    public StudyResults.Row retrain(StrategyDescriptor strategy, boolean fineTune) {
        session.trainedNetwork();
        Study study = study(Optional.empty());
        Optional<Retrained> remote = session.retrainElsewhere(new RetrainRequest(json(strategy), fineTune));
        StudyResults.Row row = remote.map(r -> new StudyResults.Row(strategy.id(), strategy.units(), r.parameters(),
                r.macsPerClip(), r.score().top1(), r.score().top5(), null))
                .orElseGet(() -> study.retrainHere(strategy, fineTune));
        study.recordRetrain(strategy, fineTune, row);
        return row;
    }

    /** A retraining as the task that got it does it: trained here, nothing written (its submitter records it). */
    public Retrained retrainForTask(RetrainRequest request) {
        StudyResults.Row row = study(Optional.empty()).retrainHere(strategy(request), request.fineTune());
        return new Retrained(row.parameters(), row.macsPerClip(), new org.stfusion.core.eval.Scorer.Score(row.top1(),
                row.top5()));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String json(StrategyDescriptor strategy) {
        try {
            return JSON.writeValueAsString(strategy);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a strategy descriptor cannot be written as JSON", e);
        }
    }

    private static StrategyDescriptor strategy(RetrainRequest request) {
        try {
            return JSON.readValue(request.strategyJson(), StrategyDescriptor.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a retraining's strategy cannot be read back", e);
        }
    }

    /** Where {@link #retrain} writes its result for {@code strategy}. */
    public Path retrainFile(StrategyDescriptor strategy) {
        return session.runDir().retrainResult(strategy.id());
    }

    /**
     * A strategy for this run's backbone derived from another run's marginals by relative depth
     * ({@link MarginalTransfer}); nothing is trained.
     */
    public StrategyDescriptor transfer(RunResults source) {
        String id = "transfer-" + source.backbone().name() + "-to-" + session.backboneRef().name();
        return MarginalTransfer.derive(source.positions(), session.backboneRef(), strategies.materializer().positions(), id);
    }

    private Study study(Optional<TrainingBackend> distributed) {
        ExperimentConfig config = session.config();
        var t = config.training();
        var trainer = new FixedNetworkTrainer(session.dataset(), session.loader(), config.study(), t.batchSize(),
                t.momentum(), t.lrDecay(), events);
        Study.TemplateScores templateScores = strategy -> {
            TemplateNetwork net = session.trainedNetwork();
            return new StrategyScoring(net, session.localScoring(), config.sampling(), session.dataset().size(Split.VALIDATION),
                    e -> { }).top1BothWays(new StrategySampler(net, config.sampling()).draw(strategy.id(), strategy.seed()));
        };
        // the study's networks start where the template started: inflated from the same 2D weights, or at random
        return new Study(strategies.materializer(), trainer, session.scorer(), session.runDir(), session.provenance(),
                config.study(), config.seed(), inflation.initialiser(), inflation.start(), templateScores, distributed);
    }
}
