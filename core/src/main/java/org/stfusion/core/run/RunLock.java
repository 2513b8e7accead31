package org.stfusion.core.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;

/**
 * The exclusive right of one process to work on a run folder: an operating-system lock on {@code .stfusion-lock},
 * which holds who took it (process, host, time, command) so that a refused command can name the holder. The OS
 * releases the lock when its process dies, so a killed run never blocks the next one. The file itself stays
 * (empty once released): removing it would let two processes lock two different files of the same name.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".stfusion-lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static RunLock acquire(Path runDir, String command) {
        Path file = runDir.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = holder(channel);
                throw new UserException(runDir + " is in use by another stfusion process" + (holder.isEmpty() ? ""
                        : " (" + holder + ")") + "; wait for it to finish, or choose another run folder");
            }
            byte[] who = (describe(command) + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(who), 0);
            channel.force(true);
            RunLock taken = new RunLock(channel, lock);
            channel = null;
            return taken;
        } catch (IOException e) {
            throw new OutputException("cannot lock run folder " + runDir + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(channel);
        }
    }

    /** Null when another process holds it; the same JVM holding it counts as another holder too. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    }

    private static String describe(String command) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "this host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + " since " + LocalDateTime.now().withNano(0)
                + ": " + command;
    }

    @Override
    public void close() {
        try {
            channel.truncate(0); // no holder any more; the file stays, so that no two processes lock different files
            lock.release();
        } catch (IOException e) {
            // The OS drops the lock with the channel below.
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
