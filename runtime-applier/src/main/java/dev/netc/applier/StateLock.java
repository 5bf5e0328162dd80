package dev.netc.applier;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * The applier's lock: an exclusive {@code flock} on {@code lock} in the state directory, so two appliers never
 * plan and install at once. The kernel drops it when its holder dies, even by SIGKILL. The holder writes its
 * pid and start time into the file, for the message the waiting one prints.
 */
public final class StateLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits up to {@code timeout} for the lock; then fails with exit code {@link ExitCode#LOCKED}. */
    public static StateLock acquire(Path file, Duration timeout) throws ApplyException {
        FileChannel ch;
        try {
            Files.createDirectories(file.getParent());
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw ApplyException.stateIo(file + ": cannot open the lock file: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null; // held by another applier in this JVM
                }
                if (l != null) {
                    String owner = "pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n";
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
                    ch.force(false);
                    return new StateLock(ch, l);
                }
                if (System.nanoTime() >= deadline) {
                    String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
                    ch.close();
                    throw new ApplyException(ExitCode.LOCKED, "another netc apply holds " + file
                            + (owner.isEmpty() ? "" : " (" + owner + ")") + "; gave up after waiting " + seconds(timeout)
                            + " (--lock-timeout). Nothing was changed.");
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            close(ch);
            throw ApplyException.stateIo(file + ": cannot lock: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(ch);
            throw new ApplyException(ExitCode.LOCKED, "interrupted while waiting for " + file);
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing drops the lock anyway
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close below releases it too
        }
        close(channel);
    }
}
