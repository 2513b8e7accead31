package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Split;

/**
 * Whatever one item's decoder does — hang without heeding interruption, run out of memory, overflow, throw any
 * runtime exception — the dataset turns it into a bad item naming the item and the reason, and the next item
 * decodes; only failures of the environment itself propagate.
 */
@Timeout(30)
class DecodeFailuresTest {
    private static final Path ROOT = Path.of("/data");
    private static final int SIDE = 16;

    /** Released at the end of each test, so that a "stuck" decode thread ends too. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseStuckDecodes() {
        release.countDown();
    }

    /** Item 0 behaves as {@code first} says; item 1 is a good two-frame clip. Time limit: one second. */
    private static FileClipDataset dataset(ClipDecoder first) {
        ClipSettings settings = ClipSettings.read(new PluginConfig("dataset", Configs.map("format", "frames",
                "frames", 2, "size", 8, "decodeTimeoutSeconds", 1)));
        List<ClipItem> items = List.of(new ClipItem("bad/0", ROOT.resolve("bad/0"), 2, 0),
                new ClipItem("good/1", ROOT.resolve("good/1"), 2, 1));
        Manifest manifest = new Manifest(List.of("a", "b"), new SplitItems("train.txt", items, List.of()),
                new SplitItems("val.txt", items, List.of()));
        ClipDecoder good = (path, hint, pick) -> {
            List<RgbFrame> frames = new ArrayList<>();
            for (int index : pick.apply(hint)) {
                frames.add(new RgbFrame(SIDE, SIDE, new byte[SIDE * SIDE * 3]));
            }
            return frames;
        };
        return new FileClipDataset(settings, manifest,
                (path, hint, pick) -> path.endsWith("0") ? first.decode(path, hint, pick) : good.decode(path, hint, pick));
    }

    private static BadItemException badFirstItemThenGoodSecond(FileClipDataset dataset) {
        BadItemException e = assertThrows(BadItemException.class, () -> dataset.clip(Split.TRAIN, 0, 1));
        assertEquals("bad/0 (" + ROOT.resolve("bad/0") + ")", e.item().source());
        Clip next = dataset.clip(Split.TRAIN, 1, 1);
        assertEquals("good/1", next.id(), "the next item decodes");
        assertEquals(3 * 2 * 8 * 8, next.data().length);
        return e;
    }

    @Test
    void aDecodeThatIgnoresInterruptionIsGivenUpAfterTheTimeLimit() {
        FileClipDataset dataset = dataset((path, hint, pick) -> {
            // as FFmpeg stuck inside one call: deaf to interruption
            boolean released = false;
            while (!released) {
                try {
                    released = release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
            return List.of();
        });
        long start = System.nanoTime();
        BadItemException e = badFirstItemThenGoodSecond(dataset);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("decoding took longer than dataset.decodeTimeoutSeconds 1 s and was given up",
                e.item().reason());
        assertTrue(seconds >= 0.9 && seconds < 10, "given up after the limit, not before or much later: " + seconds);
        BadItemException again = assertThrows(BadItemException.class, () -> dataset.view(Split.VALIDATION, 0, 0));
        assertEquals(e.item().reason(), again.item().reason(), "a second stuck decode takes a thread of its own");
    }

    @Test
    void aDecodeThatHeedsInterruptionEndsItsThreadWhenGivenUp() throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(1);
        FileClipDataset dataset = dataset((path, hint, pick) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                ended.countDown();
                throw new java.io.InterruptedIOException("interrupted");
            }
            return List.of();
        });
        BadItemException e = badFirstItemThenGoodSecond(dataset);
        assertTrue(e.item().reason().startsWith("decoding took longer than"), e.item().reason());
        assertTrue(ended.await(5, TimeUnit.SECONDS), "the decode was interrupted");
    }

    @Test
    void runningOutOfMemoryForOneItemMakesItBad() {
        BadItemException e = badFirstItemThenGoodSecond(dataset((path, hint, pick) -> {
            throw new OutOfMemoryError("Java heap space");
        }));
        assertTrue(e.item().reason().startsWith("ran out of memory decoding it (Java heap space, at most "),
                e.item().reason());
        assertTrue(e.item().reason().endsWith("of heap); lower dataset.maxClipMiB or dataset.maxFramePixels, or "
                + "give Java more memory"), e.item().reason());
        assertTrue(e.getCause() instanceof OutOfMemoryError);
    }

    @Test
    void anyRuntimeFailureOrStackOverflowOfTheDecoderMakesTheItemBadNamingTheException() {
        BadItemException e = badFirstItemThenGoodSecond(dataset((path, hint, pick) -> {
            throw new ArithmeticException("integer overflow");
        }));
        assertEquals("java.lang.ArithmeticException: integer overflow", e.item().reason());
        e = badFirstItemThenGoodSecond(dataset((path, hint, pick) -> {
            throw new NegativeArraySizeException("-1894967296");
        }));
        assertEquals("java.lang.NegativeArraySizeException: -1894967296", e.item().reason());
        e = badFirstItemThenGoodSecond(dataset((path, hint, pick) -> {
            throw new StackOverflowError();
        }));
        assertEquals("decoding it overflowed the stack (a malformed file)", e.item().reason());
        e = badFirstItemThenGoodSecond(dataset((path, hint, pick) -> List.of(new RgbFrame(SIDE, SIDE,
                new byte[SIDE * SIDE * 3]), new RgbFrame(SIDE / 2, SIDE, new byte[SIDE * SIDE / 2 * 3]))));
        assertEquals("frame 1 is 8x16, the first frame 16x16", e.item().reason(), "frames of different sizes");
    }

    @Test
    void aBrokenEnvironmentIsNotABadItem() {
        FileClipDataset dataset = dataset((path, hint, pick) -> {
            throw new UnsatisfiedLinkError("no jniavcodec in java.library.path");
        });
        assertThrows(UnsatisfiedLinkError.class, () -> dataset.clip(Split.TRAIN, 0, 1));
    }

    @Test
    void anInterruptedCallerIsCancelledNotGivenABadItem() throws InterruptedException {
        FileClipDataset dataset = dataset((path, hint, pick) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException("interrupted");
            }
            return List.of();
        });
        List<Throwable> thrown = new ArrayList<>();
        boolean[] stillInterrupted = new boolean[1];
        Thread caller = new Thread(() -> {
            try {
                dataset.clip(Split.TRAIN, 0, 1);
            } catch (RuntimeException e) {
                thrown.add(e);
                stillInterrupted[0] = Thread.currentThread().isInterrupted();
            }
        });
        caller.start();
        Thread.sleep(200);
        caller.interrupt();
        caller.join(5_000);
        assertEquals(1, thrown.size());
        assertTrue(thrown.get(0) instanceof CancellationException, thrown.get(0).toString());
        assertTrue(stillInterrupted[0], "the interrupt is kept for the caller's own loop");
    }
}
