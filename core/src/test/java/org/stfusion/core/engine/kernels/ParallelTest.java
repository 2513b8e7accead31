package org.stfusion.core.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 17, 1000}) {
            for (int grain : new int[] {1, 4}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                for (int rep = 0; rep < 200; rep++) {
                    Parallel.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(200, hits.get(i), "index " + i + " of " + n);
                }
            }
        }
    }

    @Test
    void usesTheWorkersWhenThereIsEnoughWork() {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        for (int rep = 0; rep < 50 && seen.size() < Parallel.threads(); rep++) {
            Parallel.forRange(64, 1, (from, to) -> {
                seen.add(Thread.currentThread());
                long until = System.nanoTime() + 200_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
        }
        assertEquals(Parallel.threads(), seen.size());
    }

    @Test
    void exceptionOfAPieceReachesTheCallerAndThePoolStaysUsable() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, 1,
                (from, to) -> {
                    if (from == 37) {
                        throw new IllegalStateException("piece 37");
                    }
                }));
        assertEquals("piece 37", e.getMessage());
        everyIndexRunsExactlyOnce();
    }

    @Test
    void nestedCallRunsInline() {
        AtomicIntegerArray hits = new AtomicIntegerArray(8 * 8);
        Parallel.forRange(8, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRange(8, 1, (f, t) -> {
                    for (int j = f; j < t; j++) {
                        hits.incrementAndGet(row * 8 + j);
                    }
                });
            }
        });
        for (int i = 0; i < 64; i++) {
            assertTrue(hits.get(i) == 1, "cell " + i);
        }
    }
}
