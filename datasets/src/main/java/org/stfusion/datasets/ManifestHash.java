package org.stfusion.datasets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/** The short fingerprint every dataset reports: SHA-256 over an optional header and the sorted item lines. */
public final class ManifestHash {
    private ManifestHash() {
    }

    /** First 16 hex digits of SHA-256 over {@code header} (if any) and the sorted {@code lines}, one per line. */
    public static String of(String header, List<String> lines) {
        List<String> sorted = new ArrayList<>(lines);
        Collections.sort(sorted);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
        if (header != null) {
            sha.update((header + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (String line : sorted) {
            sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(), 8));
    }
}
