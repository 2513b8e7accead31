package org.stfusion.reporters;

import static org.stfusion.reporters.ConsoleFormat.format;

import java.io.PrintStream;
import java.util.function.LongSupplier;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunEvent.BatchFinished;
import org.stfusion.api.report.RunEvent.EpochFinished;
import org.stfusion.api.report.RunEvent.RunFinished;
import org.stfusion.api.report.RunEvent.RunStarted;
import org.stfusion.api.report.RunEvent.ScoringStarted;
import org.stfusion.api.report.RunEvent.StageStarted;
import org.stfusion.api.report.RunEvent.StrategyScored;

/**
 * Shows the run on the terminal: a header, a progress bar per training epoch and for scoring (elsewhere a plain
 * progress line a minute, see {@link ProgressLine}), a line per finished epoch and the summary at the end. Epoch
 * numbers are taken as 1-based, as the events carry them.
 */
final class ConsoleReporter implements Reporter {
    private final ConsoleSettings settings;
    private final ProgressLine progress;
    private StageStarted stage;

    /** {@code terminal}: whether the output is a terminal, where bars can be redrawn in place. */
    ConsoleReporter(ConsoleSettings settings, PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.settings = settings;
        this.progress = new ProgressLine(out, !settings.progress() ? ProgressLine.Style.NONE
                : terminal ? ProgressLine.Style.BAR : ProgressLine.Style.PLAIN, nanoClock);
    }

    @Override
    public void onEvent(RunEvent event) {
        if (event instanceof RunStarted e) {
            progress.println(header(e));
        } else if (event instanceof StageStarted e) {
            stage = e;
            progress.println(format("%-6s  epochs %d-%d, %d batches each", e.stage(), e.firstEpoch(), e.epochs(),
                    e.batchesPerEpoch()));
        } else if (event instanceof BatchFinished e) {
            progress.update(e.batch() >= e.batches(), () -> batchLine(e));
        } else if (event instanceof EpochFinished e) {
            progress.println(epochLine(e));
        } else if (event instanceof ScoringStarted e) {
            progress.println(format("scoring %d strategies on %s validation clips", e.total(),
                    ConsoleFormat.grouped(e.validationItems())));
        } else if (event instanceof StrategyScored e) {
            onScored(e);
        } else if (event instanceof RunFinished e) {
            RunSummary.lines(e, settings.top()).forEach(progress::println);
        }
    }

    @Override
    public void close() {
        progress.finish();
    }

    static String header(RunStarted e) {
        return format("backbone %s  dataset %s  %d fusion positions  %s params  %s GMACs/clip", e.backbone(),
                e.dataset(), e.fusionPositions(), ConsoleFormat.grouped(e.parameters()), ConsoleFormat.gmacs(e.macsPerClip()));
    }

    static String epochLine(EpochFinished e) {
        StringBuilder line = new StringBuilder(format("%-6s  epoch %d/%d  loss %.3f", e.stage(), e.epoch(), e.epochs(),
                e.trainLoss()));
        if (Double.isFinite(e.regulariser()) && e.regulariser() != 0) {
            line.append("  reg ").append(ConsoleFormat.significant(e.regulariser()));
        }
        line.append("  train ").append(ConsoleFormat.percent(e.trainTop1()));
        if (!Double.isNaN(e.valTop1())) {
            line.append("  val ").append(ConsoleFormat.percent(e.valTop1()));
        }
        line.append("  lr ").append(ConsoleFormat.significant(e.learningRate()));
        if (!Double.isNaN(e.meanDrop())) {
            line.append(format("  p̄ %.2f", e.meanDrop()));
        }
        return line.append(format("  %.1f s", e.seconds())).toString();
    }

    private String batchLine(BatchFinished e) {
        double fraction = (double) e.batch() / e.batches();
        return format("%-6s  epoch %d/%d  %s  batch %d/%d  loss %.3f  ETA %s", e.stage(), e.epoch(), e.epochs(),
                ConsoleFormat.bar(fraction, settings.width()), e.batch(), e.batches(), e.loss(),
                ConsoleFormat.duration(stageSecondsLeft(e)));
    }

    /** Extrapolates the stage's pace so far over the batches left in this and the remaining epochs. */
    private double stageSecondsLeft(BatchFinished e) {
        // A resumed stage starts at a later epoch; only the batches run since then count towards the pace.
        int firstEpoch = stage != null && stage.stage().equals(e.stage()) ? stage.firstEpoch() : 1;
        long done = (long) (e.epoch() - firstEpoch) * e.batches() + e.batch();
        long left = (long) (e.epochs() - e.epoch()) * e.batches() + (e.batches() - e.batch());
        return done > 0 ? e.stageElapsedSeconds() / done * left : Double.NaN;
    }

    private void onScored(StrategyScored e) {
        if (e.done() >= e.total()) {
            progress.println(format("scored %d strategies in %s", e.total(), ConsoleFormat.duration(e.elapsedSeconds())));
            return;
        }
        progress.update(false, () -> format("scoring %d/%d %s ETA %s", e.done(), e.total(),
                ConsoleFormat.bar((double) e.done() / e.total(), settings.width()),
                ConsoleFormat.duration(e.elapsedSeconds() / e.done() * (e.total() - e.done()))));
    }
}
