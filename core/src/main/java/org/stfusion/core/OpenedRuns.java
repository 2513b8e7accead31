package org.stfusion.core;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;
import org.stfusion.core.execution.RunJob;
import org.stfusion.core.execution.RunJobs;

/**
 * Runs opened for tasks in this JVM, kept for the next task of the same job and kind: opening one (its plugins,
 * dataset and network) takes about a third of a second, more than a small network's round of training or a few
 * strategies' scoring. Each task has a run of its own while it works; one that failed is closed, not kept. In the
 * submitting JVM they are closed when the job's command ends; an executor's go with the executor.
 */
final class OpenedRuns {
    /** What a task does with its run: runs of one kind are kept apart (a scoring run holds the trained weights). */
    enum Use { SCORING, TRAINING, STUDY, RETRAIN }

    private static final Map<String, Deque<Experiment>> IDLE = new ConcurrentHashMap<>();

    static {
        RunJobs.onForget(OpenedRuns::closeAll);
    }

    private OpenedRuns() {
    }

    /** An idle run of {@code job} for {@code use}, or a new one, opened and made ready by {@code prepare}. */
    static Experiment take(RunJob job, Use use, Consumer<Experiment> prepare) {
        Deque<Experiment> idle = IDLE.get(key(job.id(), use));
        Experiment kept = idle == null ? null : idle.pollFirst();
        if (kept != null) {
            return kept;
        }
        Path runDir = Path.of(job.runDir());
        Experiment opened = Experiment.openForTask(RunJobs.plugins(job, OpenedRuns.class.getClassLoader()),
                RunJobs.config(job), runDir, new PrintStream(new ByteArrayOutputStream()));
        try {
            prepare.accept(opened);
            return opened;
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** {@code run} is free for the next task of the job ({@code healthy}), or closed (its task failed). */
    static void giveBack(RunJob job, Use use, Experiment run, boolean healthy) {
        if (healthy) {
            IDLE.computeIfAbsent(key(job.id(), use), k -> new ConcurrentLinkedDeque<>()).addFirst(run);
        } else {
            run.close();
        }
    }

    private static void closeAll(String jobId) {
        for (Use use : Use.values()) {
            Deque<Experiment> idle = IDLE.remove(key(jobId, use));
            if (idle != null) {
                idle.forEach(Experiment::close);
            }
        }
    }

    private static String key(String jobId, Use use) {
        return jobId + "/" + use;
    }
}
