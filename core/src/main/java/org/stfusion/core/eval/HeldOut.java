package org.stfusion.core.eval;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The validation items held out from choosing the best strategy ({@code sampling.holdout}): an item belongs to
 * them when the SHA-256 of its id, read as a fraction of 2^53, falls below {@code fraction}. The split depends on
 * the id alone, so it stays the same across runs, seeds and orderings of the dataset.
 */
public record HeldOut(double fraction) {
    public HeldOut {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
        }
    }

    public boolean contains(String itemId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(itemId.getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53 < fraction;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
