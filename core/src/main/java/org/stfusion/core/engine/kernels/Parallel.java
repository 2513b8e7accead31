package org.stfusion.core.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of daemon threads, sized to the cores, for the Java kernels. The calling thread works too,
 * so {@code threads() - 1} workers are started. Pieces are handed out dynamically, and a worker that has
 * not started by the time all pieces are taken is not waited for: waking a parked thread took 15-80 us
 * (and now and then over 1 ms) on the 2-vCPU VM, and on a loaded machine, or while ND4J's OpenMP threads
 * still spin on the other core, the caller then finishes alone instead of stalling. Workers park as
 * soon as a range is done instead of spinning, so they never keep a core from OpenMP (spinning for
 * 50-300 us before parking gave no measurable gain).
 *
 * <p>Calls are serialised (one range at a time); a call made from inside a task runs inline.
 * The thread count can be fixed with the system property {@code stfusion.kernels.threads}.
 */
public final class Parallel {

    /** Work on the indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /** Smallest number of elements worth handing to another thread: waking one costs 15-80 us. */
    static final int MIN_PIECE = Integer.getInteger("stfusion.kernels.minPiece", 64 * 1024);

    /** Bit of {@link #state} set once no worker may join the current range any more. */
    private static final int CLOSED = 1 << 30;

    private static final Parallel POOL = new Parallel(Integer.getInteger(
            "stfusion.kernels.threads", Runtime.getRuntime().availableProcessors()));

    private final Thread[] workers;
    private final ReentrantLock callLock = new ReentrantLock();
    private final AtomicInteger next = new AtomicInteger();
    /** Number of workers inside the current range, plus {@link #CLOSED}. Joining is a CAS on it, which
     *  also makes the job fields below (written before it is reset) visible to the worker. */
    private final AtomicInteger state = new AtomicInteger(CLOSED);
    private RangeTask task;
    private int size;
    private int grain;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile long generation;

    private Parallel(int threads) {
        workers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "stfusion-kernel-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Number of threads that run a range, the caller included. */
    public static int threads() {
        return POOL.workers.length + 1;
    }

    /** Grain for indices of {@code elementsPerIndex} elements each: pieces of at least {@link #MIN_PIECE} elements. */
    public static int grainFor(long elementsPerIndex) {
        return (int) Math.max(1, MIN_PIECE / Math.max(1, elementsPerIndex));
    }

    /**
     * Runs {@code task} over {@code [0, n)}, handing out pieces of {@code grain} indices, and returns
     * when every piece is done. An exception thrown by a piece is rethrown here.
     */
    public static void forRange(int n, int grain, RangeTask task) {
        POOL.run(n, Math.max(1, grain), task);
    }

    private void run(int n, int grain, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (workers.length == 0 || n <= grain || callLock.isHeldByCurrentThread() || isWorker()) {
            task.run(0, n);
            return;
        }
        callLock.lock();
        try {
            this.task = task;
            this.size = n;
            this.grain = grain;
            this.failure = null;
            this.caller = Thread.currentThread();
            next.set(0);
            state.set(0);
            generation++;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            try {
                work();
            } catch (Throwable t) {
                failure = t;
            }
            // All pieces are taken: close the range and wait only for the workers that joined it.
            state.getAndUpdate(s -> s | CLOSED);
            // A joined worker is on its last piece, usually done within microseconds: spin, then park.
            for (int spins = 0; state.get() != CLOSED; spins++) {
                if (spins < 1_000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            this.task = null;
            rethrow(failure);
        } finally {
            callLock.unlock();
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private boolean isWorker() {
        Thread me = Thread.currentThread();
        for (Thread w : workers) {
            if (w == me) {
                return true;
            }
        }
        return false;
    }

    private void work() {
        final RangeTask t = task;
        final int n = size;
        final int g = grain;
        for (int from = next.getAndAdd(g); from < n; from = next.getAndAdd(g)) {
            t.run(from, Math.min(n, from + g));
        }
    }

    private boolean join() {
        for (int s = state.get(); (s & CLOSED) == 0; s = state.get()) {
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
        return false;
    }

    private void workerLoop() {
        long seen = 0;
        while (true) {
            long g = generation;
            if (g == seen) {
                LockSupport.park(this);
                continue;
            }
            seen = g;
            if (!join()) {
                continue;
            }
            try {
                work();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (state.decrementAndGet() == CLOSED) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
