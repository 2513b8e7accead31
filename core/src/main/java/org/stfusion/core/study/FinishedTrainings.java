package org.stfusion.core.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.stfusion.core.eval.Scorer;
import org.stfusion.core.execution.TrainedStandalone;
import org.stfusion.core.execution.TrainingRequest;
import org.stfusion.core.run.Provenance;
import org.stfusion.core.run.RunDirectory;

/**
 * The study's trainings that ran in a cluster's tasks, each recorded by its task the moment it finished, in a file
 * of its own ({@link RunDirectory#studyTraining}), written atomically: a reader sees the whole record or none, and a
 * retried task writes the same record again. A study resumed on the cluster takes a record instead of training
 * again when it is the same training: same name, units, strategy seed and place (hence seeds), same epochs and
 * start, and plugins it may continue from.
 */
final class FinishedTrainings {
    private final RunDirectory runDir;
    private final Provenance provenance;
    private final int epochs;
    private final String start;

    FinishedTrainings(RunDirectory runDir, Provenance provenance, int epochs, String start) {
        this.runDir = runDir;
        this.provenance = provenance;
        this.epochs = epochs;
        this.start = start;
    }

    /** One finished training as its file holds it. */
    record Finished(Provenance plugins, int epochs, String start, String name, List<String> units, Long strategySeed,
                    int index, long parameters, long macsPerClip, double top1, Double top5, long nonFiniteItems,
                    Double heldOutTop1) {
    }

    /** Records {@code trained}; a task calls it as soon as its training is done. */
    void record(TrainedStandalone trained) {
        TrainingRequest r = trained.request();
        Scorer.Score s = trained.score();
        runDir.writeJson(runDir.studyTraining(r.name()), new Finished(provenance, epochs, start, r.name(), r.units(),
                r.strategySeed(), r.index(), trained.parameters(), trained.macsPerClip(), s.top1(), s.top5(),
                s.nonFiniteItems(), s.heldOutTop1()));
    }

    /** The recorded result of {@code request}, or null when it was not recorded, or for another training. */
    TrainedStandalone find(TrainingRequest request, Consumer<String> warn) {
        Path file = runDir.studyTraining(request.name());
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Finished f = runDir.readJson(file, Finished.class);
        TrainingRequest recorded = new TrainingRequest(f.name(), f.units(), f.strategySeed(), f.index());
        if (!recorded.equals(request) || f.epochs() != epochs || !Objects.equals(f.start(), start)) {
            warn.accept(file + " records another training of " + request.name() + " (other units, seeds, epochs or "
                    + "start): it is trained again");
            return null;
        }
        if (f.plugins() != null) {
            provenance.requireCompatible(f.plugins(), file.toString(), true, warn);
        }
        return new TrainedStandalone(request, f.parameters(), f.macsPerClip(),
                new Scorer.Score(f.top1(), f.top5(), f.nonFiniteItems(), f.heldOutTop1()));
    }
}
