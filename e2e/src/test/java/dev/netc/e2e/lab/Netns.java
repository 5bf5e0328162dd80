package dev.netc.e2e.lab;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jnr.ffi.LibraryLoader;

/**
 * A thread that lives in one network namespace: it enters the namespace with setns(2) once, at start, and
 * runs whatever must create sockets there. A socket belongs to the namespace it was created in, so after
 * creation it can be used from any thread.
 */
public final class Netns implements AutoCloseable {
    /** The two libc calls needed; bound with jnr-ffi. */
    public interface LibC {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final int O_RDONLY = 0;
    private static final int CLONE_NEWNET = 0x40000000;

    final String name;
    private final ExecutorService thread;

    public Netns(LibC libc, String name) throws IOException {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + name);
            t.setDaemon(true);
            return t;
        });
        Future<Integer> entered = thread.submit(() -> {
            int fd = libc.open("/var/run/netns/" + name, O_RDONLY);
            if (fd < 0) return -1;
            int rc = libc.setns(fd, CLONE_NEWNET);
            libc.close(fd);
            return rc;
        });
        try {
            if (entered.get() != 0) throw new IOException("cannot enter network namespace " + name);
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("cannot enter network namespace " + name, e);
        }
    }

    public static LibC libc() {
        return LibraryLoader.create(LibC.class).load("c");
    }

    /** Runs {@code task} inside the namespace and waits for it. */
    public <T> T call(Callable<T> task) throws IOException {
        try {
            return thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
