package org.stfusion.api.report;

/** What the orchestrator tells reporters, in order. Reporters must not block for long. */
public sealed interface RunEvent {

    /** The template is built and about to be trained (or a resumed/stage run starts). */
    record RunStarted(String runDir, String backbone, String dataset, int fusionPositions, long parameters,
                      long macsPerClip) implements RunEvent {
    }

    /** A training stage begins: {@code warmup} (no gates) or {@code vdp} (Variational DropPath). */
    record StageStarted(String stage, int firstEpoch, int epochs, int batchesPerEpoch) implements RunEvent {
    }

    /** One training step finished. */
    record BatchFinished(String stage, int epoch, int epochs, int batch, int batches, double loss,
                         double stageElapsedSeconds) implements RunEvent {
    }

    /** One epoch finished and was checkpointed; {@code meanDrop} is the mean learned drop rate (NaN in warm-up). */
    record EpochFinished(String stage, int epoch, int epochs, double trainLoss, double trainTop1,
                         double regulariser, double valTop1, double learningRate, double meanDrop,
                         double seconds) implements RunEvent {
    }

    /** Scoring of {@code total} strategies begins. */
    record ScoringStarted(int total, int validationItems) implements RunEvent {
    }

    /** One strategy was scored; {@code done} of {@code total}. */
    record StrategyScored(StrategyResult result, int done, int total, double elapsedSeconds) implements RunEvent {
    }

    /** The run is complete; {@code runDir} holds the files. */
    record RunFinished(RunResults results, String runDir, double seconds) implements RunEvent {
    }

    /**
     * Finished runs to be compared ({@code stfusion report RUN1 RUN2 ...}), named by their run directories; a
     * reporter that can compare writes into its context's directory, others ignore it.
     */
    record RunsCompared(java.util.List<RunResults> runs, java.util.List<String> names) implements RunEvent {
        public RunsCompared {
            runs = java.util.List.copyOf(runs);
            names = java.util.List.copyOf(names);
            if (runs.size() != names.size()) {
                throw new IllegalArgumentException(runs.size() + " runs, " + names.size() + " names");
            }
        }
    }
}
