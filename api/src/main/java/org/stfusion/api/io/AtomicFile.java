package org.stfusion.api.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way stfusion and its plugins write a file: a reader, a run killed half-way or a power loss sees either
 * the old content or the complete new one. The content goes to a uniquely named temporary file beside the
 * target, is forced to disk, renamed over the target, and the folder is forced too so that the rename survives.
 * A failure removes the temporary file and is an {@link IOException} whose message names the target and the
 * cause ("permission denied", "no space left on device", ...).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** What fills the file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void write(Path target, Content content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        // Not Files.createTempFile: its owner-only permissions would carry over to the result.
        Path temp = folder.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            Files.createDirectories(folder);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            move(temp, target);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new IOException("cannot write " + target + ": " + cause(e), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
        syncFolder(folder);
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes a rename durable: on Linux a folder's entries reach the disk when the folder itself is forced. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a folder for syncing; the rename itself is still atomic.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // The temporary name is unique and hidden; a leftover cannot be mistaken for the target.
        }
    }

    /** The cause in words: the JDK's file exceptions carry only the path as their message. */
    static String cause(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied" + where(e);
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder" + where(e);
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + where(e);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String where(IOException e) {
        return e instanceof FileSystemException fs && fs.getFile() != null ? " (" + fs.getFile() + ")" : "";
    }
}
